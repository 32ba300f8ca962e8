using System.Buffers;

namespace PipeNet.Codecs;

/// <summary>
/// Messages of one fixed size with no framing bytes at all (records, fixed headers). A decoded message is a slice
/// of the receive buffers: no copy, no allocation.
/// </summary>
public sealed class FixedLengthCodec : IMessageCodec<ReadOnlySequence<byte>>
{
    /// <summary>Creates a codec for messages of <paramref name="length"/> bytes.</summary>
    /// <param name="length">The size of every message.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is zero or negative.</exception>
    public FixedLengthCodec(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
    }

    /// <summary>The size of every message.</summary>
    public int Length { get; }

    /// <inheritdoc />
    public bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        if (input.Length < Length)
        {
            message = default;
            return false;
        }

        message = input.Slice(0, Length);
        consumed = message.End;
        examined = consumed;
        return true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="message"/> is not exactly <see cref="Length"/> bytes.</exception>
    public void WriteMessage(ReadOnlySequence<byte> message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (message.Length != Length)
        {
            throw new ArgumentException($"A {message.Length}-byte message does not fit a codec of {Length}-byte messages.", nameof(message));
        }

        foreach (ReadOnlyMemory<byte> segment in message)
        {
            output.Write(segment.Span);
        }
    }
}
