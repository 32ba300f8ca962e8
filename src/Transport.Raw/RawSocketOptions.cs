namespace PipeNet.Transport.Raw;

/// <summary>Options of <see cref="RawSocket.Create(RawSocketOptions)"/> (the seed's <c>createSocket</c> options).</summary>
public sealed class RawSocketOptions
{
    /// <summary>The largest receive buffer accepted: an IPv4 datagram is at most 65,535 bytes, an IPv6 payload too (jumbograms aside).</summary>
    public const int MaxBufferSize = 65_536;

    private RawAddressFamily _addressFamily = RawAddressFamily.IPv4;
    private RawProtocol _protocol = RawProtocol.None;
    private int _bufferSize = 4096;
    private int _checksumOffset;

    /// <summary>The IP version of the socket.</summary>
    /// <remarks>Defaults to <see cref="RawAddressFamily.IPv4"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="RawAddressFamily"/>.</exception>
    public RawAddressFamily AddressFamily
    {
        get => _addressFamily;
        set => _addressFamily = value is RawAddressFamily.IPv4 or RawAddressFamily.IPv6
            ? value
            : throw new ArgumentOutOfRangeException(nameof(AddressFamily), value, "AddressFamily must be IPv4 or IPv6.");
    }

    /// <summary>
    /// The IP protocol number: one of <see cref="RawProtocol"/>'s names or any number from 0 to 255 cast to it.
    /// It goes in the protocol field of the headers the kernel builds and selects the datagrams received.
    /// </summary>
    /// <remarks>Defaults to <see cref="RawProtocol.None"/> (0), as the seed; Linux refuses 0 for raw sockets, so set one.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Less than 0 or greater than 255.</exception>
    public RawProtocol Protocol
    {
        get => _protocol;
        set => _protocol = (int)value is >= 0 and <= 255
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Protocol), (int)value, "Protocol must be an IP protocol number from 0 to 255.");
    }

    /// <summary>
    /// The size in bytes of the buffer a datagram is received into. A larger datagram is not delivered: it is
    /// dropped, counted in <see cref="RawSocket.OversizedDatagrams"/> and reported to <c>error</c> handlers (if
    /// any) with code <c>EMSGSIZE</c>. The buffer is rented only while a datagram
    /// is being read and handled.
    /// </summary>
    /// <remarks>Defaults to 4096.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1 or greater than <see cref="MaxBufferSize"/>.</exception>
    public int BufferSize
    {
        get => _bufferSize;
        set => _bufferSize = value is >= 1 and <= MaxBufferSize
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BufferSize), value, $"BufferSize must be from 1 to {MaxBufferSize}.");
    }

    /// <summary>
    /// Whether the socket writes an RFC 1071 checksum, computed over the whole datagram being sent, at
    /// <see cref="ChecksumOffset"/> into every send buffer just before it is sent (the two bytes are zeroed
    /// first). The caller's buffer is modified.
    /// </summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool GenerateChecksums { get; set; }

    /// <summary>Where, in bytes from the start of each datagram sent, <see cref="GenerateChecksums"/> writes the checksum (for ICMP: 2).</summary>
    /// <remarks>Defaults to 0.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Negative, or past the largest datagram.</exception>
    public int ChecksumOffset
    {
        get => _checksumOffset;
        set => _checksumOffset = value is >= 0 and <= ushort.MaxValue - 2
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ChecksumOffset), value, "ChecksumOffset must be from 0 to 65533.");
    }
}
