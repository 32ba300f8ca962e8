using System.Security.Cryptography.X509Certificates;
using PipeNet.Transport.Tls;

namespace PipeNet;

public sealed partial class ServerOptions
{
    /// <summary>
    /// Serve TLS (rampart's <c>tls</c>/<c>secure</c>): <see cref="SslCertFile"/> and <see cref="SslKeyFile"/>
    /// must be set, or <see cref="TlsOptions"/> given.
    /// </summary>
    /// <remarks>Defaults to <c>false</c>. Setting <see cref="TlsOptions"/> turns it on.</remarks>
    public bool Tls { get; set; }

    /// <summary>Same as <see cref="Tls"/> (rampart's <c>secure</c>).</summary>
    public bool Secure
    {
        get => Tls;
        set => Tls = value;
    }

    /// <summary>The certificate file (rampart's <c>sslCertFile</c>; cio's <c>cert</c>/<c>public</c>): a PEM certificate or full chain, or PEM text.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? SslCertFile { get; set; }

    /// <summary>The private key file (rampart's <c>sslKeyFile</c>; cio's <c>key</c>/<c>private</c>), or PEM text.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? SslKeyFile { get; set; }

    /// <summary>The key's passphrase (sack.vfs's <c>passphrase</c>), or <c>null</c>.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? Passphrase { get; set; }

    /// <summary>The lowest TLS version (rampart's <c>sslMinVersion</c>): <c>tls1.2</c> or <c>tls1.3</c>; <c>ssl3</c>, <c>tls1</c> and <c>tls1.1</c> are refused.</summary>
    /// <remarks>Defaults to <c>null</c> (TLS 1.2).</remarks>
    public string? SslMinVersion { get; set; }

    /// <summary>
    /// Ask clients for a certificate (cio's and Node's <c>requestCert</c>). With <see cref="RejectUnauthorized"/>
    /// a client whose certificate does not chain to <see cref="Ca"/> fails the handshake.
    /// </summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool RequestCert { get; set; }

    /// <summary>Whether a client certificate that does not verify fails the handshake (cio's and Node's <c>rejectUnauthorized</c>).</summary>
    /// <remarks>Defaults to <c>true</c>.</remarks>
    public bool RejectUnauthorized { get; set; } = true;

    /// <summary>The roots client certificates must chain to (cio's <c>ca</c>/<c>root</c>): a PEM file or PEM text; <c>null</c> for the system's.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? Ca { get; set; }

    /// <summary>
    /// cio's <c>isClientAllowed</c>: receives the client's name (its certificate's common name) and returns
    /// whether it may connect. Setting it turns <see cref="RequestCert"/> on.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public Func<string, bool>? IsClientAllowed { get; set; }

    /// <summary>
    /// cio's <c>rejectClient</c>: runs for a client <see cref="IsClientAllowed"/> refused, with a socket to answer
    /// it on (for example <c>socket.End("Sorry")</c>); the socket is ended after it returns. Without it the
    /// server raises <c>error</c> with <c>TLS_CLIENT_REJECTED</c> and <c>Client Rejected: NAME</c>.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public Action<NetSocket, string>? RejectClient { get; set; }

    /// <summary>TLS and plaintext on one port (sack.vfs's <c>allowSSLfallback</c>): a client that does not open with a TLS hello is served in plaintext.</summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool AllowSslFallback { get; set; }

    /// <summary>Full control over server TLS (SNI certificates, ALPN, handshake timeout, a selector). Setting it turns <see cref="Tls"/> on; the rampart-style properties above then add to it.</summary>
    /// <remarks>
    /// Defaults to <c>null</c>. The server takes the instance over (it sets its <c>ClientError</c> and, from the
    /// properties above, its client policy), so give each server its own.
    /// </remarks>
    public TlsServerOptions? TlsOptions { get; set; }

    /// <summary>Builds the TLS options these settings describe, or <c>null</c> for a plaintext server.</summary>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>, naming the file.</exception>
    /// <exception cref="ArgumentException">TLS without a certificate, or a bad <see cref="SslMinVersion"/>.</exception>
    internal TlsServerOptions? CreateTlsOptions()
    {
        if (!Tls && TlsOptions is null)
        {
            return null;
        }

        TlsServerOptions tls = TlsOptions ?? new TlsServerOptions();
        if (SslCertFile is not null || SslKeyFile is not null)
        {
            if (SslCertFile is null || SslKeyFile is null)
            {
                throw new ArgumentException("TLS needs both SslCertFile and SslKeyFile.", SslCertFile is null ? nameof(SslCertFile) : nameof(SslKeyFile));
            }

            tls.ServerCertificate ??= TlsCertificate.Load(SslCertFile, SslKeyFile, Passphrase);
        }

        if (SslMinVersion is not null)
        {
            tls.MinVersion = TlsProtocols.Parse(SslMinVersion);
        }

        if (RequestCert || IsClientAllowed is not null)
        {
            tls.ClientCertificateMode = RejectUnauthorized ? TlsClientCertificateMode.Required : TlsClientCertificateMode.Requested;
            tls.RejectUnauthorized = RejectUnauthorized;
        }

        if (Ca is not null)
        {
            tls.ClientCertificateAuthorities = TlsMaterial.LoadAuthorities([Ca]); // a file or PEM text
        }

        if (AllowSslFallback)
        {
            tls.AllowPlaintextFallback = true;
        }

        if (TimeProvider is not null)
        {
            tls.TimeProvider = TimeProvider;
        }

        if (!tls.HasCertificate)
        {
            throw new ArgumentException("A TLS server needs a certificate: set SslCertFile and SslKeyFile, or give TlsOptions a certificate.", nameof(SslCertFile));
        }

        return tls;
    }
}
