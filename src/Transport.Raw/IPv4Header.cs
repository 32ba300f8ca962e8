using System.Buffers.Binary;
using System.Net;

namespace PipeNet.Transport.Raw;

/// <summary>
/// A parsed view of the IPv4 header at the start of a datagram received on an IPv4 <see cref="RawSocket"/>
/// (IPv6 raw sockets receive no header), so code need not count bytes. It reads the buffer in place: it is
/// valid as long as the buffer is, which in a <c>message</c> handler means until the handler returns.
/// </summary>
/// <example>
/// <code>
/// socket.OnMessage((data, source) =>
/// {
///     if (IPv4Header.TryParse(data.Span, out IPv4Header ip))
///     {
///         Console.WriteLine($"ttl={ip.TimeToLive} protocol={ip.Protocol} payload={ip.Payload.Length} bytes");
///     }
/// });
/// </code>
/// </example>
public readonly ref struct IPv4Header
{
    /// <summary>The length of a header without options.</summary>
    public const int MinLength = 20;

    private readonly ReadOnlySpan<byte> _datagram;

    private IPv4Header(ReadOnlySpan<byte> datagram) => _datagram = datagram;

    /// <summary>The version field: 4.</summary>
    public int Version => _datagram[0] >> 4;

    /// <summary>The header's length in bytes, options included (the IHL field times four).</summary>
    public int HeaderLength => (_datagram[0] & 0x0F) * 4;

    /// <summary>The type-of-service byte (DSCP in the top six bits, ECN in the bottom two).</summary>
    public byte TypeOfService => _datagram[1];

    /// <summary>
    /// The total-length field as it came. Linux hands raw sockets the header as it was on the wire; BSD systems
    /// historically convert it to host order and subtract the header, which is why <see cref="Payload"/> uses
    /// the received length instead.
    /// </summary>
    public ushort TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_datagram[2..]);

    /// <summary>The identification field, shared by a datagram's fragments.</summary>
    public ushort Identification => BinaryPrimitives.ReadUInt16BigEndian(_datagram[4..]);

    /// <summary>The don't-fragment flag.</summary>
    public bool DontFragment => (_datagram[6] & 0x40) != 0;

    /// <summary>The more-fragments flag.</summary>
    public bool MoreFragments => (_datagram[6] & 0x20) != 0;

    /// <summary>The fragment offset in bytes.</summary>
    public int FragmentOffset => (BinaryPrimitives.ReadUInt16BigEndian(_datagram[6..]) & 0x1FFF) * 8;

    /// <summary>The time to live the datagram arrived with.</summary>
    public byte TimeToLive => _datagram[8];

    /// <summary>The protocol of the payload, for example <see cref="RawProtocol.Icmp"/>.</summary>
    public RawProtocol Protocol => (RawProtocol)_datagram[9];

    /// <summary>The header checksum field.</summary>
    public ushort HeaderChecksum => BinaryPrimitives.ReadUInt16BigEndian(_datagram[10..]);

    /// <summary>Whether the header checksum verifies.</summary>
    public bool HasValidChecksum => InternetChecksum.IsValid(_datagram[..HeaderLength]);

    /// <summary>The source address's four bytes, without allocating.</summary>
    public ReadOnlySpan<byte> SourceAddressBytes => _datagram.Slice(12, 4);

    /// <summary>The destination address's four bytes, without allocating.</summary>
    public ReadOnlySpan<byte> DestinationAddressBytes => _datagram.Slice(16, 4);

    /// <summary>The source address (allocates an <see cref="IPAddress"/>).</summary>
    public IPAddress SourceAddress => new(SourceAddressBytes);

    /// <summary>The destination address (allocates an <see cref="IPAddress"/>).</summary>
    public IPAddress DestinationAddress => new(DestinationAddressBytes);

    /// <summary>The IP options between the fixed header and the payload; empty without options.</summary>
    public ReadOnlySpan<byte> Options => _datagram[MinLength..HeaderLength];

    /// <summary>Everything after the header as received, for example the ICMP message.</summary>
    public ReadOnlySpan<byte> Payload => _datagram[HeaderLength..];

    /// <summary>Parses the header at the start of <paramref name="datagram"/>.</summary>
    /// <param name="datagram">A datagram as an IPv4 raw socket received it.</param>
    /// <param name="header">The view, when this returns <c>true</c>.</param>
    /// <returns><c>false</c> when the bytes are too short, not version 4, or the header length field is impossible.</returns>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out IPv4Header header)
    {
        header = default;
        if (datagram.Length < MinLength || datagram[0] >> 4 != 4)
        {
            return false;
        }

        int headerLength = (datagram[0] & 0x0F) * 4;
        if (headerLength < MinLength || headerLength > datagram.Length)
        {
            return false;
        }

        header = new IPv4Header(datagram);
        return true;
    }

    /// <summary>
    /// Writes a 20-byte IPv4 header without options, checksum included, for sockets with
    /// <see cref="RawSocketOption.IP_HDRINCL"/> set or of protocol 255 (<c>IPPROTO_RAW</c>).
    /// </summary>
    /// <param name="destination">Where to write: at least <see cref="MinLength"/> bytes.</param>
    /// <param name="protocol">The payload's protocol.</param>
    /// <param name="source">The source address.</param>
    /// <param name="destinationAddress">The destination address.</param>
    /// <param name="payloadLength">The payload's length in bytes.</param>
    /// <param name="timeToLive">The time to live.</param>
    /// <param name="identification">The identification field; Linux fills in one when it is 0.</param>
    /// <returns><see cref="MinLength"/>.</returns>
    /// <exception cref="ArgumentException">An address is not IPv4, or <paramref name="destination"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The datagram would exceed 65,535 bytes.</exception>
    public static int Write(Span<byte> destination, RawProtocol protocol, IPAddress source, IPAddress destinationAddress, int payloadLength, byte timeToLive = 64, ushort identification = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destinationAddress);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadLength, ushort.MaxValue - MinLength);
        if (destination.Length < MinLength)
        {
            throw new ArgumentException($"An IPv4 header needs {MinLength} bytes.", nameof(destination));
        }

        if (source.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{source} is not an IPv4 address.", nameof(source));
        }

        if (destinationAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{destinationAddress} is not an IPv4 address.", nameof(destinationAddress));
        }

        destination[0] = 0x45;
        destination[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(MinLength + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], 0x4000); // don't fragment
        destination[8] = timeToLive;
        destination[9] = (byte)protocol;
        source.TryWriteBytes(destination[12..], out _);
        destinationAddress.TryWriteBytes(destination[16..], out _);
        InternetChecksum.ComputeAndWrite(destination[..MinLength], 10);
        return MinLength;
    }
}
