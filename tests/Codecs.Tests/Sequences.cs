using System.Buffers;

namespace PipeNet.Codecs.Tests;

/// <summary>Multi-segment sequences, split where a test says, as a pipe hands them over after several receives.</summary>
internal static class Sequences
{
    public static ReadOnlySequence<byte> Of(params byte[][] chunks)
    {
        Segment? first = null, last = null;
        foreach (byte[] chunk in chunks)
        {
            var segment = new Segment(chunk, last);
            first ??= segment;
            last = segment;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>Splits <paramref name="data"/> into chunks of the given sizes, cycling through them until the data ends.</summary>
    public static List<byte[]> Chunk(byte[] data, IReadOnlyList<int> sizes)
    {
        var chunks = new List<byte[]>();
        int offset = 0, i = 0;
        while (offset < data.Length)
        {
            int size = sizes.Count == 0 ? data.Length - offset : Math.Min(Math.Max(1, sizes[i % sizes.Count]), data.Length - offset);
            chunks.Add(data[offset..(offset + size)]);
            offset += size;
            i++;
        }

        return chunks;
    }

    public static byte[] Encode<T>(IMessageWriter<T> writer, IEnumerable<T> messages)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (T message in messages)
        {
            writer.WriteMessage(message, buffer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, Segment? previous)
        {
            Memory = data;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
