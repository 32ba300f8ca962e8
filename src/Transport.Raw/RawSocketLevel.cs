namespace PipeNet.Transport.Raw;

/// <summary>
/// The levels of <see cref="RawSocket.GetOption(RawSocketLevel, RawSocketOption, Span{byte})"/> and
/// <see cref="RawSocket.SetOption(RawSocketLevel, RawSocketOption, ReadOnlySpan{byte})"/> (the seed's
/// <c>raw.SocketLevel</c>). They keep their POSIX names so code ports line by line; PipeNet translates them
/// to the platform's numbers.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "The POSIX names, as the seed and the C headers spell them.")]
public enum RawSocketLevel
{
    /// <summary><c>SOL_SOCKET</c>: options of the socket itself (buffers, timeouts, device binding).</summary>
    SOL_SOCKET = 0,

    /// <summary><c>IPPROTO_IP</c>: IPv4 options (TTL, TOS, header inclusion, IP options).</summary>
    IPPROTO_IP = 1,

    /// <summary><c>IPPROTO_IPV6</c>: IPv6 options (hop limit, v6-only).</summary>
    IPPROTO_IPV6 = 2,
}
