namespace PipeNet.Transport.Tls;

/// <summary>
/// A TLS failure: a handshake that failed or timed out, a certificate that was not trusted, expired or
/// named another host, a client the server's policy rejected, or a certificate/key file that could not be used.
/// <see cref="NetException.Code"/> is one of the <c>TLS_*</c> codes of <see cref="NetErrorCode"/>.
/// </summary>
public sealed class TlsException : NetException
{
    /// <summary>Creates a TLS exception.</summary>
    /// <param name="code">A <c>TLS_*</c> code, for example <see cref="NetErrorCode.TlsHandshakeFailed"/>.</param>
    /// <param name="message">What happened, for a person.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    /// <exception cref="ArgumentException"><paramref name="code"/> is null or empty.</exception>
    public TlsException(string code, string message, Exception? innerException = null)
        : base(code, message, innerException)
    {
    }

    /// <summary>
    /// The host name involved: the name the client expected (<c>TLS_HOSTNAME_MISMATCH</c>), the SNI name the
    /// client sent (server side), or <c>null</c>.
    /// </summary>
    public string? HostName { get; init; }

    /// <summary>
    /// For <c>TLS_HANDSHAKE_FAILED</c> on a server: the first bytes the peer sent (at most 1 KiB), so a caller
    /// can still parse them as plaintext, as sack.vfs allows. Empty otherwise.
    /// </summary>
    public ReadOnlyMemory<byte> InitialBytes { get; init; }

    /// <summary>For <c>TLS_CLIENT_REJECTED</c>: the rejected client's name (its certificate's common name).</summary>
    public string? ClientName { get; init; }
}
