using System.Buffers;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tls;

namespace PipeNet;

public sealed partial class NetServer
{
    private static readonly EventSlot s_tlsClientError = DefineEvent("tlsClientError", "Action<Exception> or Action", typeof(Action<Exception>), typeof(Action));

    private readonly ConnectionDelegate _application;
    private TlsServerOptions? _tls;

    /// <summary>Whether the server speaks TLS (rampart's <c>tls</c>).</summary>
    public bool Tls => _tls is not null;

    /// <summary>The certificate file given in <see cref="ServerOptions.SslCertFile"/>, if any (rampart's status property).</summary>
    public string? SslCertFile => _tls is null ? null : _options.SslCertFile;

    /// <summary>The key file given in <see cref="ServerOptions.SslKeyFile"/>, if any.</summary>
    public string? SslKeyFile => _tls is null ? null : _options.SslKeyFile;

    /// <summary>The live TLS options (certificates by host, ALPN, timeouts), or <c>null</c> for a plaintext server.</summary>
    public TlsServerOptions? TlsOptions => _tls;

    /// <summary>
    /// Serves another certificate to clients asking (by SNI) for one of <paramref name="hosts"/>; takes effect
    /// for the next handshake, also while listening (sack.vfs's <c>addCert</c>).
    /// </summary>
    /// <param name="hosts">Host names separated by <c>,</c>, <c>~</c> or spaces; <c>*.example.com</c> wildcards; <c>*</c> for the default.</param>
    /// <param name="certificate">A PEM certificate or full-chain file, or PEM text.</param>
    /// <param name="key">A PEM key file, or PEM text.</param>
    /// <param name="passphrase">The key's passphrase, or <c>null</c>.</param>
    /// <returns>This server.</returns>
    /// <exception cref="InvalidOperationException">The server is not a TLS server.</exception>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>, naming the file.</exception>
    public NetServer AddCertificate(string hosts, string certificate, string key, string? passphrase = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hosts);
        RequireTls().AddCertificate(hosts, TlsCertificate.Load(certificate, key, passphrase));
        return this;
    }

    /// <summary>Serves <paramref name="certificate"/> to clients asking for one of <paramref name="hosts"/>.</summary>
    /// <param name="hosts">Host names, as in <see cref="AddCertificate(string, string, string, string?)"/>.</param>
    /// <param name="certificate">The certificate.</param>
    /// <returns>This server.</returns>
    /// <exception cref="InvalidOperationException">The server is not a TLS server.</exception>
    public NetServer AddCertificate(string hosts, TlsCertificate certificate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hosts);
        ArgumentNullException.ThrowIfNull(certificate);
        RequireTls().AddCertificate(hosts, certificate);
        return this;
    }

    /// <summary>Registers a <c>tlsClientError</c> handler (Node): a client whose handshake failed or timed out, for that connection only.</summary>
    /// <param name="handler">The handler; the exception is a <see cref="TlsException"/>.</param>
    /// <returns>This server.</returns>
    public NetServer OnTlsClientError(Action<Exception> handler) => On("tlsClientError", handler);

    private TlsServerOptions RequireTls() =>
        _tls ?? throw new InvalidOperationException("This server does not speak TLS; create it with ServerOptions.Tls and a certificate.");

    /// <summary>The per-connection delegate: <see cref="ServeAsync"/> behind the options' middleware, behind TLS when they ask for it.</summary>
    private ConnectionDelegate InitializeTls()
    {
        ConnectionDelegate application = ServeAsync;
        for (int i = _options.Middleware.Count - 1; i >= 0; i--)
        {
            application = _options.Middleware[i](application);
        }

        _tls = _options.CreateTlsOptions();
        if (_tls is null)
        {
            return application;
        }

        if (_options.IsClientAllowed is { } isAllowed)
        {
            _tls.IsClientAllowed = (name, _) => isAllowed(name);
        }

        if (_options.RejectClient is { } reject)
        {
            _tls.RejectClient = (connection, name) => new ValueTask(AnswerRejectedAsync(connection, name, reject));
        }

        _tls.ClientError = OnClientError;
        return application.WithTls(_tls);
    }

    /// <summary>cio: with neither handler, a rejected client is the server's <c>error</c>; everything else is <c>tlsClientError</c>.</summary>
    private void OnClientError(ConnectionContext connection, TlsException error)
    {
        if (error.Code == NetErrorCode.TlsClientRejected && ListenerCount("error") > 0)
        {
            Emit(s_error, (Exception)error);
            return;
        }

        Emit(s_tlsClientError, (Exception)error);
    }

    private async Task AnswerRejectedAsync(ConnectionContext connection, string name, Action<NetSocket, string> reject)
    {
        var socket = new NetSocket(connection, SocketOptionsForAccepted(), pauseOnConnect: false);

        // What a rejected client sends is read and dropped, so its end of stream is seen and the socket closes.
        socket.OnData(static (ReadOnlySequence<byte> _) => { });
        try
        {
            reject(socket, name);
        }
        catch (Exception ex)
        {
            socket.Destroy(ex);
        }

        socket.End();
        await socket.RunAsync().ConfigureAwait(false);
    }
}
