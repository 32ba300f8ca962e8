namespace PipeNet;

/// <summary>
/// cio's options object, for <see cref="NetBuilder.Client"/> and <see cref="NetBuilder.Server"/> alike: where to
/// connect, TLS material by file or buffer (with cio's aliases <see cref="Private"/>, <see cref="Public"/> and
/// <see cref="Root"/>), client allow/deny, listen retry and reconnect. Giving any certificate material switches the
/// client or server to TLS, as cio does.
/// </summary>
public sealed class NetBuilderOptions
{
    private int _port;
    private string _host = "127.0.0.1";

    /// <summary>The port a client connects to.</summary>
    /// <remarks>Defaults to 0 (none: a client needs a port or a <see cref="Path"/>).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..65535.</exception>
    public int Port
    {
        get => _port;
        set => _port = value is >= 0 and <= 65535 ? value : throw new ArgumentOutOfRangeException(nameof(Port), value, "Port must be between 0 and 65535.");
    }

    /// <summary>The host a client connects to.</summary>
    /// <remarks>Defaults to <c>127.0.0.1</c>.</remarks>
    /// <exception cref="ArgumentException">Empty.</exception>
    public string Host
    {
        get => _host;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(Host));
            _host = value;
        }
    }

    /// <summary>A Unix socket path a client connects to instead of <see cref="Host"/>/<see cref="Port"/>.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? Path { get; set; }

    /// <summary>The private key (Node's <c>key</c>): a file, PEM text or bytes.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public TlsMaterial? Key { get; set; }

    /// <summary>cio's name for <see cref="Key"/>.</summary>
    public TlsMaterial? Private
    {
        get => Key;
        set => Key = value;
    }

    /// <summary>The certificate or full chain (Node's <c>cert</c>): a file, PEM text, or bytes (PEM or PKCS#12).</summary>
    /// <remarks>Defaults to <c>null</c>. A server needs it with <see cref="Key"/>; a client sends it as its own certificate.</remarks>
    public TlsMaterial? Cert { get; set; }

    /// <summary>cio's name for <see cref="Cert"/>.</summary>
    public TlsMaterial? Public
    {
        get => Cert;
        set => Cert = value;
    }

    /// <summary>
    /// The trusted roots (Node's <c>ca</c>): for a client, the roots the server's certificate must chain to (replacing
    /// the system's); for a server, the roots client certificates must chain to.
    /// </summary>
    /// <remarks>Defaults to empty (the system's roots).</remarks>
    public IList<TlsMaterial> Ca { get; } = [];

    /// <summary>cio's name for <see cref="Ca"/> (the same list).</summary>
    public IList<TlsMaterial> Root => Ca;

    /// <summary>The key's passphrase, or <c>null</c>.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? Passphrase { get; set; }

    /// <summary>
    /// Whether a certificate that does not verify fails the handshake: the server's for a client, a client's for a
    /// server that asks for one. <c>false</c> on a client is rampart's <c>insecure</c>.
    /// </summary>
    /// <remarks>Defaults to <c>true</c>.</remarks>
    public bool RejectUnauthorized { get; set; } = true;

    /// <summary>A server asks clients for a certificate (cio's <c>requestCert</c>).</summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool RequestCert { get; set; }

    /// <summary>cio's <c>isClientAllowed</c>: the client's certificate name in, allowed or not out. Turns <see cref="RequestCert"/> on.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public Func<string, bool>? IsClientAllowed { get; set; }

    /// <summary>
    /// cio's <c>rejectClient</c>: answers a refused client before it is closed. Without it the server raises <c>error</c>
    /// <c>TLS_CLIENT_REJECTED</c> with <c>Client Rejected: NAME</c>.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public Action<NetSocket, string>? RejectClient { get; set; }

    /// <summary>cio's <c>noRelisten</c>: a server's <c>Listen</c> that meets <c>EADDRINUSE</c> fails at once instead of retrying.</summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool NoRelisten { get; set; }

    /// <summary>cio's <c>retryDelay</c>: the wait between listen attempts (see <see cref="ServerOptions.RetryDelay"/>).</summary>
    /// <remarks>Defaults to 3 seconds.</remarks>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>cio's <c>maxRetries</c>: listen retries before <c>error</c> (see <see cref="ServerOptions.MaxRetries"/>).</summary>
    /// <remarks>Defaults to 3.</remarks>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The reconnect policy of <see cref="NetBuilder.ReconnectingClient"/> (cio's planned <c>reconnect</c>).</summary>
    /// <remarks>Defaults to <c>null</c> (the <see cref="ReconnectOptions"/> defaults).</remarks>
    public ReconnectOptions? Reconnect { get; set; }

    /// <summary>The clock of listen retries, idle timeouts and TLS handshake deadlines.</summary>
    /// <remarks>Defaults to <c>null</c> (<see cref="System.TimeProvider.System"/>).</remarks>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Any other server setting, applied to the <see cref="ServerOptions"/> the builder makes, last.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public Action<ServerOptions>? ConfigureServer { get; set; }

    /// <summary>Any other client setting, applied to the <see cref="SocketOptions"/> the builder makes, last.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public Action<SocketOptions>? ConfigureClient { get; set; }

    /// <summary>Whether any certificate material was given, which makes the client or server speak TLS.</summary>
    public bool UsesTls => Key is not null || Cert is not null || Ca.Count > 0;
}
