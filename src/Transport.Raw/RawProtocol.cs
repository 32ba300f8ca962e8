namespace PipeNet.Transport.Raw;

/// <summary>
/// Well-known IP protocol numbers for <see cref="RawSocketOptions.Protocol"/> (the seed's <c>raw.Protocol</c>).
/// Any other number from 0 to 255 is valid too: cast it, for example <c>(RawProtocol)132</c> for SCTP.
/// </summary>
/// <remarks>
/// The number goes in the protocol field (IPv4) or next-header field (IPv6) of the headers the kernel builds,
/// and selects which incoming datagrams the socket receives.
/// </remarks>
public enum RawProtocol
{
    /// <summary>
    /// Protocol number 0. Linux refuses raw sockets of protocol 0 (<c>EPROTONOSUPPORT</c>); use
    /// <c>(RawProtocol)255</c> (<c>IPPROTO_RAW</c>) for a send-only socket that writes its own IP headers.
    /// </summary>
    None = 0,

    /// <summary>ICMP, protocol number 1.</summary>
    Icmp = 1,

    /// <summary>TCP, protocol number 6.</summary>
    Tcp = 6,

    /// <summary>UDP, protocol number 17.</summary>
    Udp = 17,

    /// <summary>ICMPv6, protocol number 58. On Linux the kernel computes ICMPv6 checksums of raw sends itself.</summary>
    IcmpV6 = 58,
}
