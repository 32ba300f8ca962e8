using System.Buffers;
using System.Buffers.Binary;
using PipeNet.Codecs.Internal;

namespace PipeNet.Codecs;

/// <summary>
/// Frames each message behind a length field of 1, 2, 4 or 8 bytes, big- or little-endian, with an optional
/// adjustment. A decoded message is a slice of the receive buffers: no copy, no allocation.
/// </summary>
/// <remarks>
/// Bad input ends the connection: a length field whose adjusted value is negative or beyond 2^63 − 1 is
/// <c>EPROTO</c>; a declared length over <see cref="LengthPrefixedCodecOptions.MaxLength"/> is <c>EMSGSIZE</c>.
/// </remarks>
public sealed class LengthPrefixedCodec : IMessageCodec<ReadOnlySequence<byte>>
{
    // Frames up to this size are written into one span; larger ones segment by segment, so a huge message never
    // asks the output for one huge buffer.
    private const int ContiguousWriteLimit = 4096;

    private readonly int _fieldSize;
    private readonly bool _littleEndian;
    private readonly long _adjustment;
    private readonly long? _maxLength;
    private readonly ulong _maxFieldValue;

    /// <summary>Creates a codec.</summary>
    /// <param name="options">The length field's shape; a 4-byte big-endian payload length when <c>null</c>.</param>
    public LengthPrefixedCodec(LengthPrefixedCodecOptions? options = null)
    {
        options ??= new LengthPrefixedCodecOptions();
        _fieldSize = options.LengthFieldSize;
        _littleEndian = options.LittleEndian;
        _adjustment = options.LengthAdjustment;
        _maxLength = options.MaxLength;
        _maxFieldValue = _fieldSize == 8 ? ulong.MaxValue : (1UL << (_fieldSize * 8)) - 1;
    }

    /// <summary>Creates a codec configured by <paramref name="configure"/>.</summary>
    /// <param name="configure">Sets the options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <c>null</c>.</exception>
    public LengthPrefixedCodec(Action<LengthPrefixedCodecOptions> configure)
        : this(Configure(configure))
    {
    }

    /// <summary>The length field's size in bytes.</summary>
    public int LengthFieldSize => _fieldSize;

    /// <inheritdoc />
    /// <exception cref="NetException"><c>EPROTO</c> for an impossible length field; <c>EMSGSIZE</c> for one over <see cref="LengthPrefixedCodecOptions.MaxLength"/>.</exception>
    public bool TryParseMessage(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ReadOnlySequence<byte> message)
    {
        if (input.Length < _fieldSize)
        {
            message = default;
            return false;
        }

        ulong field = ReadField(input);
        long length = PayloadLength(field);
        if (input.Length - _fieldSize < length)
        {
            message = default;
            return false;
        }

        message = input.Slice(_fieldSize, length);
        consumed = message.End;
        examined = consumed;
        return true;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The payload's length (less the adjustment) does not fit the length field.</exception>
    public void WriteMessage(ReadOnlySequence<byte> message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        long field = message.Length - _adjustment;
        if (field < 0 || (ulong)field > _maxFieldValue)
        {
            throw new ArgumentException(
                $"A {message.Length}-byte message does not fit a {_fieldSize}-byte length field (adjustment {_adjustment}).", nameof(message));
        }

        if (message.Length <= ContiguousWriteLimit)
        {
            // The common case: one span for header and payload, one Advance (half the cost of writing them apart).
            int total = _fieldSize + (int)message.Length;
            Span<byte> frame = output.GetSpan(total);
            WriteField(frame, (ulong)field);
            message.CopyTo(frame[_fieldSize..]);
            output.Advance(total);
            return;
        }

        Span<byte> header = output.GetSpan(_fieldSize);
        WriteField(header, (ulong)field);
        output.Advance(_fieldSize);
        foreach (ReadOnlyMemory<byte> segment in message)
        {
            output.Write(segment.Span);
        }
    }

    private ulong ReadField(in ReadOnlySequence<byte> input)
    {
        ReadOnlySpan<byte> first = input.FirstSpan;
        Span<byte> copy = stackalloc byte[8];
        scoped ReadOnlySpan<byte> field;
        if (first.Length >= _fieldSize)
        {
            field = first[.._fieldSize];
        }
        else
        {
            // The field straddles two receive buffers.
            input.Slice(0, _fieldSize).CopyTo(copy);
            field = copy[.._fieldSize];
        }

        return _fieldSize switch
        {
            1 => field[0],
            2 => _littleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(field) : BinaryPrimitives.ReadUInt16BigEndian(field),
            4 => _littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(field) : BinaryPrimitives.ReadUInt32BigEndian(field),
            _ => _littleEndian ? BinaryPrimitives.ReadUInt64LittleEndian(field) : BinaryPrimitives.ReadUInt64BigEndian(field),
        };
    }

    private void WriteField(Span<byte> header, ulong value)
    {
        switch (_fieldSize)
        {
            case 1:
                header[0] = (byte)value;
                break;
            case 2:
                if (_littleEndian)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)value);
                }

                break;
            case 4:
                if (_littleEndian)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32BigEndian(header, (uint)value);
                }

                break;
            default:
                if (_littleEndian)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(header, value);
                }
                else
                {
                    BinaryPrimitives.WriteUInt64BigEndian(header, value);
                }

                break;
        }
    }

    private long PayloadLength(ulong field)
    {
        // Unsigned field + signed adjustment, in 128 bits so no combination can wrap around.
        Int128 length = (Int128)field + _adjustment;
        if (length < 0)
        {
            throw CodecErrors.Protocol($"the length field holds {field}, which with the adjustment {_adjustment} gives a negative length.");
        }

        if (length > long.MaxValue)
        {
            throw CodecErrors.Protocol($"the length field holds {field}, which overflows a 63-bit length (adjustment {_adjustment}).");
        }

        if (_maxLength is { } max && length > max)
        {
            throw CodecErrors.DeclaredTooLong((ulong)length, max);
        }

        return (long)length;
    }

    private static LengthPrefixedCodecOptions Configure(Action<LengthPrefixedCodecOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new LengthPrefixedCodecOptions();
        configure(options);
        return options;
    }
}
