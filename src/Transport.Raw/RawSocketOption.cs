namespace PipeNet.Transport.Raw;

/// <summary>
/// The options of <see cref="RawSocket.GetOption(RawSocketLevel, RawSocketOption, Span{byte})"/> and
/// <see cref="RawSocket.SetOption(RawSocketLevel, RawSocketOption, ReadOnlySpan{byte})"/> (the seed's
/// <c>raw.SocketOption</c>), each belonging to one <see cref="RawSocketLevel"/>. PipeNet translates them to
/// the platform's numbers; for an option not listed here use <see cref="RawSocket.GetRawOption"/> and
/// <see cref="RawSocket.SetRawOption"/> with the platform's own numbers.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "The POSIX names, as the seed and the C headers spell them.")]
public enum RawSocketOption
{
    /// <summary><c>SO_RCVBUF</c> (level <see cref="RawSocketLevel.SOL_SOCKET"/>): the kernel receive buffer in bytes. Linux doubles the value set, and reports the doubled value.</summary>
    SO_RCVBUF = 0,

    /// <summary><c>SO_RCVTIMEO</c> (level <see cref="RawSocketLevel.SOL_SOCKET"/>): the receive timeout. The integer form is in milliseconds (Linux rounds to its clock tick); the buffer form is the platform's <c>struct timeval</c>. It governs blocking calls only, not <see cref="RawSocket"/>'s own receiving.</summary>
    SO_RCVTIMEO = 1,

    /// <summary><c>SO_SNDBUF</c> (level <see cref="RawSocketLevel.SOL_SOCKET"/>): the kernel send buffer in bytes. Linux doubles the value set, and reports the doubled value.</summary>
    SO_SNDBUF = 2,

    /// <summary><c>SO_SNDTIMEO</c> (level <see cref="RawSocketLevel.SOL_SOCKET"/>): the send timeout. The integer form is in milliseconds; the buffer form is the platform's <c>struct timeval</c>.</summary>
    SO_SNDTIMEO = 3,

    /// <summary><c>IP_HDRINCL</c> (level <see cref="RawSocketLevel.IPPROTO_IP"/>): nonzero when the data sent starts with an IPv4 header the caller built.</summary>
    IP_HDRINCL = 4,

    /// <summary><c>IP_OPTIONS</c> (level <see cref="RawSocketLevel.IPPROTO_IP"/>): the IPv4 options put in every header; buffer form only.</summary>
    IP_OPTIONS = 5,

    /// <summary><c>IP_TOS</c> (level <see cref="RawSocketLevel.IPPROTO_IP"/>): the type-of-service byte (DSCP and ECN).</summary>
    IP_TOS = 6,

    /// <summary><c>IP_TTL</c> (level <see cref="RawSocketLevel.IPPROTO_IP"/>): the time to live of sent datagrams; -1 restores the system default on Linux.</summary>
    IP_TTL = 7,

    /// <summary>
    /// <c>IPV6_TTL</c> (level <see cref="RawSocketLevel.IPPROTO_IPV6"/>): no operating system defines it; as in the
    /// seed it is a synonym of <see cref="IPV6_UNICAST_HOPS"/>, for symmetry with <see cref="IP_TTL"/>.
    /// </summary>
    IPV6_TTL = 8,

    /// <summary><c>IPV6_UNICAST_HOPS</c> (level <see cref="RawSocketLevel.IPPROTO_IPV6"/>): the hop limit of sent unicast datagrams; -1 restores the system default.</summary>
    IPV6_UNICAST_HOPS = 9,

    /// <summary><c>IPV6_V6ONLY</c> (level <see cref="RawSocketLevel.IPPROTO_IPV6"/>): nonzero when the socket handles IPv6 only. Linux refuses to change it on a raw socket with a protocol (<c>EINVAL</c>).</summary>
    IPV6_V6ONLY = 10,

    /// <summary><c>IPV6_HDRINCL</c> (level <see cref="RawSocketLevel.IPPROTO_IPV6"/>): nonzero when the data sent starts with an IPv6 header the caller built (Windows, and Linux since 4.5; not macOS).</summary>
    IPV6_HDRINCL = 11,

    /// <summary><c>SO_BINDTODEVICE</c> (level <see cref="RawSocketLevel.SOL_SOCKET"/>, Linux only): the interface name (for example <c>lo</c>) the socket is bound to; buffer form only, an empty value unbinds.</summary>
    SO_BINDTODEVICE = 12,
}
