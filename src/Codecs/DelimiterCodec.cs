using System.Buffers;

namespace PipeNet.Codecs;

/// <summary>
/// Ends each message with a delimiter: lines (<c>\n</c>, <c>\r\n</c>) or any byte sequence. A decoded message is a
/// slice of the receive buffers without the delimiter: no copy, no allocation.
/// </summary>
/// <remarks>
/// A delimiter that never arrives is bounded by the reader's <see cref="MessageReaderOptions.MaxMessageSize"/>:
/// once that many bytes hold no delimiter, reading fails with <c>EMSGSIZE</c>. Each call scans the unconsumed
/// bytes from their start (the codec keeps no per-connection state), so a message trickling in costs a scan
/// per arrival, bounded by that limit.
/// </remarks>
public sealed class DelimiterCodec : IMessageCodec<ReadOnlySequence<byte>>
{
    // Messages up to this size are written into one span; larger ones segment by segment.
    private const int ContiguousWriteLimit = 4096;

    private readonly byte[] _delimiter;
    private readonly bool _trimCarriageReturn;

    /// <summary>Creates a codec.</summary>
    /// <param name="options">The delimiter; <c>\n</c> when <c>null</c>.</param>
    public DelimiterCodec(DelimiterCodecOptions? options = null)
    {
        options ??= new DelimiterCodecOptions();
        _delimiter = options.Delimiter.ToArray();
        _trimCarriageReturn = options.TrimCarriageReturn;
    }

    /// <summary>Creates a codec ending messages with <paramref name="delimiter"/>.</summary>
    /// <param name="delimiter">The delimiter bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="delimiter"/> is empty.</exception>
    public DelimiterCodec(ReadOnlySpan<byte> delimiter)
        : this(new DelimiterCodecOptions { Delimiter = delimiter.ToArray() })
    {
    }

    /// <summary>Lines ending in <c>\n</c>; a <c>\r</c> before it is stripped, so <c>\r\n</c> lines read the same. Writes <c>\n</c>.</summary>
    public static DelimiterCodec Lines { get; } = new(new DelimiterCodecOptions { TrimCarriageReturn = true });

    /// <summary>Messages ending in <c>\r\n</c> exactly (SMTP, RESP, IRC).</summary>
    public static DelimiterCodec CrLf { get; } = new("\r\n"u8);

    /// <summary>The delimiter.</summary>
    public ReadOnlyMemory<byte> Delimiter => _delimiter;

    /// <inheritdoc />
    public bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        var reader = new SequenceReader<byte>(input);
        bool found = _delimiter.Length == 1
            ? reader.TryReadTo(out message, _delimiter[0], advancePastDelimiter: true)
            : reader.TryReadTo(out message, _delimiter, advancePastDelimiter: true);
        if (!found)
        {
            // A multi-byte delimiter may have begun in the last bytes: those are looked at again next time, but
            // the pipe still waits for new bytes, because everything here was examined.
            message = default;
            return false;
        }

        if (_trimCarriageReturn && !message.IsEmpty && EndsWithCarriageReturn(message))
        {
            message = message.Slice(0, message.Length - 1);
        }

        consumed = reader.Position;
        examined = consumed;
        return true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="message"/> contains the delimiter, so the peer would split it.</exception>
    public void WriteMessage(ReadOnlySequence<byte> message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Contains(message))
        {
            throw new ArgumentException("The message contains the delimiter; the peer would read it as more than one message.", nameof(message));
        }

        if (message.Length <= ContiguousWriteLimit)
        {
            // The common case: message and delimiter in one span, one Advance.
            int total = (int)message.Length + _delimiter.Length;
            Span<byte> frame = output.GetSpan(total);
            message.CopyTo(frame);
            _delimiter.CopyTo(frame[(int)message.Length..]);
            output.Advance(total);
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in message)
        {
            output.Write(segment.Span);
        }

        output.Write(_delimiter);
    }

    private bool Contains(in ReadOnlySequence<byte> message)
    {
        if (message.IsSingleSegment)
        {
            return message.FirstSpan.IndexOf(_delimiter) >= 0;
        }

        var reader = new SequenceReader<byte>(message);
        return _delimiter.Length == 1
            ? reader.TryAdvanceTo(_delimiter[0])
            : reader.TryReadTo(out ReadOnlySequence<byte> _, _delimiter);
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> message)
    {
        if (message.IsSingleSegment)
        {
            return message.FirstSpan[^1] == (byte)'\r';
        }

        return message.Slice(message.Length - 1).FirstSpan[0] == (byte)'\r';
    }
}
