using System.Buffers.Binary;

namespace PipeNet.Transport.Raw;

/// <summary>
/// Builds and parses ICMP (IPv4) echo requests and replies (RFC 792), the messages of <c>ping</c>. For
/// ICMPv6 see <see cref="Icmpv6Echo"/>.
/// </summary>
/// <remarks>
/// Layout: type (1 byte), code (1), checksum (2), identifier (2), sequence number (2), then the payload.
/// An IPv4 raw socket receives the IP header before it: parse that with <see cref="IPv4Header"/> and hand
/// <see cref="IPv4Header.Payload"/> to <see cref="TryParse"/>.
/// </remarks>
public static class IcmpEcho
{
    /// <summary>The length of the echo header before the payload.</summary>
    public const int HeaderLength = 8;

    /// <summary>The type of an ICMP echo request.</summary>
    public const byte RequestType = 8;

    /// <summary>The type of an ICMP echo reply.</summary>
    public const byte ReplyType = 0;

    /// <summary>The largest payload of an ICMP echo over IPv4: 65,535 minus a 20-byte IP header and the 8-byte echo header.</summary>
    public const int MaxPayloadLength = ushort.MaxValue - IPv4Header.MinLength - HeaderLength;

    /// <summary>Writes an echo request with its checksum.</summary>
    /// <param name="destination">Where to write: at least <see cref="HeaderLength"/> plus the payload's length.</param>
    /// <param name="identifier">The identifier.</param>
    /// <param name="sequenceNumber">The sequence number.</param>
    /// <param name="payload">The data to be echoed.</param>
    /// <returns>How many bytes were written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static int WriteRequest(Span<byte> destination, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> payload)
        => Write(destination, RequestType, identifier, sequenceNumber, payload);

    /// <summary>Writes an echo reply with its checksum.</summary>
    /// <inheritdoc cref="WriteRequest" path="/param"/>
    /// <returns>How many bytes were written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public static int WriteReply(Span<byte> destination, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> payload)
        => Write(destination, ReplyType, identifier, sequenceNumber, payload);

    /// <summary>Parses an ICMP echo request or reply (the bytes after the IP header).</summary>
    /// <param name="message">The ICMP message.</param>
    /// <param name="echo">The view, when this returns <c>true</c>.</param>
    /// <returns><c>false</c> for anything shorter than 8 bytes or of another type or code.</returns>
    public static bool TryParse(ReadOnlySpan<byte> message, out IcmpEchoMessage echo)
    {
        echo = default;
        if (message.Length < HeaderLength || message[1] != 0 || (message[0] != RequestType && message[0] != ReplyType))
        {
            return false;
        }

        echo = new IcmpEchoMessage(message, isIPv6: false);
        return true;
    }

    internal static int WriteHeader(Span<byte> destination, byte type, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> payload)
    {
        int length = HeaderLength + payload.Length;
        if (destination.Length < length)
        {
            throw new ArgumentException($"An echo message with {payload.Length} bytes of payload needs {length} bytes.", nameof(destination));
        }

        destination[0] = type;
        destination[1] = 0;
        destination[2] = 0;
        destination[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], identifier);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], sequenceNumber);
        payload.CopyTo(destination[HeaderLength..]);
        return length;
    }

    private static int Write(Span<byte> destination, byte type, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> payload)
    {
        int length = WriteHeader(destination, type, identifier, sequenceNumber, payload);
        InternetChecksum.ComputeAndWrite(destination[..length], 2);
        return length;
    }
}
