using System.Buffers.Binary;
using System.Net;

namespace PipeNet.Transport.Raw;

/// <summary>
/// A parsed view of an ICMP or ICMPv6 echo request or reply, from <see cref="IcmpEcho.TryParse"/> or
/// <see cref="Icmpv6Echo.TryParse"/>. It reads the buffer in place and is valid as long as the buffer is.
/// </summary>
public readonly ref struct IcmpEchoMessage
{
    private readonly ReadOnlySpan<byte> _message;

    internal IcmpEchoMessage(ReadOnlySpan<byte> message, bool isIPv6)
    {
        _message = message;
        IsIPv6 = isIPv6;
    }

    /// <summary>Whether this is an ICMPv6 message (types 128 and 129) rather than ICMP (types 8 and 0).</summary>
    public bool IsIPv6 { get; }

    /// <summary>The type field: 8 or 0 for ICMP, 128 or 129 for ICMPv6.</summary>
    public byte Type => _message[0];

    /// <summary>The code field, 0 for echo messages.</summary>
    public byte Code => _message[1];

    /// <summary>The checksum field.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_message[2..]);

    /// <summary>The identifier, which a pinger uses to recognise its own replies.</summary>
    public ushort Identifier => BinaryPrimitives.ReadUInt16BigEndian(_message[4..]);

    /// <summary>The sequence number, which matches a reply to its request.</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_message[6..]);

    /// <summary>Whether this is an echo request.</summary>
    public bool IsRequest => Type == (IsIPv6 ? Icmpv6Echo.RequestType : IcmpEcho.RequestType);

    /// <summary>Whether this is an echo reply.</summary>
    public bool IsReply => Type == (IsIPv6 ? Icmpv6Echo.ReplyType : IcmpEcho.ReplyType);

    /// <summary>The data after the 8-byte header, echoed back unchanged by the peer.</summary>
    public ReadOnlySpan<byte> Payload => _message[IcmpEcho.HeaderLength..];

    /// <summary>The whole message: header and payload.</summary>
    public ReadOnlySpan<byte> Message => _message;

    /// <summary>Whether the checksum of an ICMP (IPv4) message verifies.</summary>
    /// <returns><c>true</c> when it verifies.</returns>
    /// <exception cref="InvalidOperationException">An ICMPv6 message, whose checksum covers a pseudo header: use the overload with addresses.</exception>
    public bool VerifyChecksum()
    {
        if (IsIPv6)
        {
            throw new InvalidOperationException("An ICMPv6 checksum covers the IPv6 pseudo header: pass the source and destination addresses.");
        }

        return InternetChecksum.IsValid(_message);
    }

    /// <summary>Whether the checksum of an ICMPv6 message, which covers the IPv6 pseudo header, verifies.</summary>
    /// <param name="source">The address the message came from.</param>
    /// <param name="destination">The address it was sent to.</param>
    /// <returns><c>true</c> when it verifies.</returns>
    public bool VerifyChecksum(IPAddress source, IPAddress destination)
    {
        if (!IsIPv6)
        {
            return InternetChecksum.IsValid(_message);
        }

        Span<byte> pseudoHeader = stackalloc byte[PseudoHeader.IPv6Length];
        PseudoHeader.Write(pseudoHeader, source, destination, RawProtocol.IcmpV6, _message.Length);
        var sum = new InternetChecksumAccumulator();
        sum.Add(pseudoHeader);
        sum.Add(_message);
        return sum.IsValid;
    }
}
