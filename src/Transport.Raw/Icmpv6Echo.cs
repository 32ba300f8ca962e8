using System.Buffers.Binary;
using System.Net;

namespace PipeNet.Transport.Raw;

/// <summary>
/// Builds and parses ICMPv6 echo requests and replies (RFC 4443 §4), the messages of <c>ping -6</c>. The
/// layout is that of <see cref="IcmpEcho"/>, with types 128 and 129.
/// </summary>
/// <remarks>
/// The ICMPv6 checksum covers an IPv6 pseudo header, so it needs the source and destination addresses. Give
/// both to compute it; leave them out to write 0, which is right for a Linux raw ICMPv6 socket: the kernel
/// always computes ICMPv6 checksums of what such a socket sends (RFC 3542 §3.1).
/// </remarks>
public static class Icmpv6Echo
{
    /// <summary>The type of an ICMPv6 echo request.</summary>
    public const byte RequestType = 128;

    /// <summary>The type of an ICMPv6 echo reply.</summary>
    public const byte ReplyType = 129;

    /// <summary>The largest payload of an ICMPv6 echo: 65,535 (the IPv6 payload length) minus the 8-byte echo header.</summary>
    public const int MaxPayloadLength = ushort.MaxValue - IcmpEcho.HeaderLength;

    /// <summary>Writes an echo request, with its checksum when both addresses are given.</summary>
    /// <param name="destination">Where to write: at least 8 bytes plus the payload's length.</param>
    /// <param name="identifier">The identifier.</param>
    /// <param name="sequenceNumber">The sequence number.</param>
    /// <param name="payload">The data to be echoed.</param>
    /// <param name="source">The source address for the checksum, or <c>null</c> to leave the checksum to the kernel.</param>
    /// <param name="destinationAddress">The destination address for the checksum, or <c>null</c> to leave the checksum to the kernel.</param>
    /// <returns>How many bytes were written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short, or the addresses are not IPv6.</exception>
    public static int WriteRequest(Span<byte> destination, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> payload, IPAddress? source = null, IPAddress? destinationAddress = null)
        => Write(destination, RequestType, identifier, sequenceNumber, payload, source, destinationAddress);

    /// <summary>Writes an echo reply, with its checksum when both addresses are given.</summary>
    /// <inheritdoc cref="WriteRequest" path="/param"/>
    /// <returns>How many bytes were written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short, or the addresses are not IPv6.</exception>
    public static int WriteReply(Span<byte> destination, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> payload, IPAddress? source = null, IPAddress? destinationAddress = null)
        => Write(destination, ReplyType, identifier, sequenceNumber, payload, source, destinationAddress);

    /// <summary>Parses an ICMPv6 echo request or reply (an IPv6 raw socket receives no IP header).</summary>
    /// <param name="message">The ICMPv6 message.</param>
    /// <param name="echo">The view, when this returns <c>true</c>.</param>
    /// <returns><c>false</c> for anything shorter than 8 bytes or of another type or code.</returns>
    public static bool TryParse(ReadOnlySpan<byte> message, out IcmpEchoMessage echo)
    {
        echo = default;
        if (message.Length < IcmpEcho.HeaderLength || message[1] != 0 || (message[0] != RequestType && message[0] != ReplyType))
        {
            return false;
        }

        echo = new IcmpEchoMessage(message, isIPv6: true);
        return true;
    }

    private static int Write(Span<byte> destination, byte type, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> payload, IPAddress? source, IPAddress? destinationAddress)
    {
        int length = IcmpEcho.WriteHeader(destination, type, identifier, sequenceNumber, payload);
        if (source is null || destinationAddress is null)
        {
            return length;
        }

        if (source.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || destinationAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException("An ICMPv6 checksum needs IPv6 source and destination addresses.", nameof(source));
        }

        Span<byte> pseudoHeader = stackalloc byte[PseudoHeader.IPv6Length];
        PseudoHeader.Write(pseudoHeader, source, destinationAddress, RawProtocol.IcmpV6, length);
        var sum = new InternetChecksumAccumulator();
        sum.Add(pseudoHeader);
        sum.Add(destination[..length]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sum.ToChecksum());
        return length;
    }
}
