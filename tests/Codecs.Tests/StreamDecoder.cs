using System.Buffers;

namespace PipeNet.Codecs.Tests;

/// <summary>What a decoder made of a stream fed chunk by chunk.</summary>
internal sealed record DecodeOutcome<TSnapshot>(List<TSnapshot> Messages, NetException? Error, long MaxBuffered, long LeftOver);

/// <summary>
/// Runs a decoder the way a reader loop does: chunks arrive one at a time, the unconsumed bytes are kept as a
/// multi-segment sequence (split where the chunks were), and every whole message is parsed after each arrival.
/// </summary>
internal static class StreamDecoder
{
    public static DecodeOutcome<TSnapshot> Feed<T, TSnapshot>(IMessageReader<T> reader, IEnumerable<byte[]> chunks, long maxMessageSize, Func<T, TSnapshot> snapshot)
    {
        var messages = new List<TSnapshot>();
        var pending = new List<byte[]>();
        long maxBuffered = 0;
        try
        {
            foreach (byte[] chunk in chunks)
            {
                pending.Add(chunk);
                ReadOnlySequence<byte> buffer = Sequences.Of([.. pending]);
                maxBuffered = Math.Max(maxBuffered, buffer.Length);
                while (MessageParser.TryParse(reader, ref buffer, maxMessageSize, out T message, out _))
                {
                    messages.Add(snapshot(message));
                }

                // Keep only what was not consumed, still in the pieces it arrived in.
                pending.Clear();
                foreach (ReadOnlyMemory<byte> segment in buffer)
                {
                    if (!segment.IsEmpty)
                    {
                        pending.Add(segment.ToArray());
                    }
                }
            }
        }
        catch (NetException ex)
        {
            return new(messages, ex, maxBuffered, 0);
        }

        return new(messages, null, maxBuffered, pending.Sum(p => (long)p.Length));
    }
}
