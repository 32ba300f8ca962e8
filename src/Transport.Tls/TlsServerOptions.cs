using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tls.Internal;

namespace PipeNet.Transport.Tls;

/// <summary>
/// Options of TLS server middleware (<see cref="TlsConnectionBuilderExtensions.UseTls(IConnectionBuilder, TlsServerOptions)"/>).
/// Certificates may be added while the server runs; the next handshake sees them.
/// </summary>
public sealed class TlsServerOptions
{
    private static readonly TimeSpan s_defaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private volatile CertificateTable _certificates = CertificateTable.Empty;
    private SslProtocols _minVersion = SslProtocols.Tls12;
    private TimeSpan _handshakeTimeout = s_defaultHandshakeTimeout;
    private TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>
    /// The certificate served when no host-specific one matches the client's SNI name (or it sent none).
    /// When <c>null</c>, the first certificate added with <see cref="AddCertificate(string, TlsCertificate)"/> is the default.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public TlsCertificate? ServerCertificate { get; set; }

    /// <summary>
    /// Full control over the certificate: called at every handshake with the connection and the SNI name
    /// (<c>null</c> when none); returning <c>null</c> falls back to the host table and <see cref="ServerCertificate"/>.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public Func<ConnectionContext, string?, TlsCertificate?>? ServerCertificateSelector { get; set; }

    /// <summary>The lowest TLS version accepted: <see cref="SslProtocols.Tls12"/> or <see cref="SslProtocols.Tls13"/>.</summary>
    /// <remarks>Defaults to <see cref="SslProtocols.Tls12"/>, as rampart.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">SSLv3, TLS 1.0 or TLS 1.1 (refused, with the reason), or any other value.</exception>
    public SslProtocols MinVersion
    {
        get => _minVersion;
        set => _minVersion = TlsProtocols.ValidateMinimum(value, nameof(MinVersion));
    }

    /// <summary>Whether clients are asked for a certificate.</summary>
    /// <remarks>Defaults to <see cref="TlsClientCertificateMode.NotRequested"/>.</remarks>
    public TlsClientCertificateMode ClientCertificateMode { get; set; }

    /// <summary>
    /// The roots client certificates must chain to (cio's <c>ca</c>/<c>root</c> on a server); <c>null</c> uses
    /// the system's trust store.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public X509Certificate2Collection? ClientCertificateAuthorities { get; set; }

    /// <summary>
    /// Whether a client certificate that does not verify fails the handshake (Node's and cio's
    /// <c>rejectUnauthorized</c>). When <c>false</c> it is accepted and
    /// <see cref="IConnectionTlsFeature.RemoteCertificateVerified"/> says it was not verified.
    /// </summary>
    /// <remarks>Defaults to <c>true</c>.</remarks>
    public bool RejectUnauthorized { get; set; } = true;

    /// <summary>
    /// cio's <c>isClientAllowed</c>: called after the handshake with the client's name (its certificate's
    /// common name, see <see cref="IConnectionTlsFeature.RemoteName"/>) and certificate; <c>false</c> rejects
    /// the client. When it is set, a client that sent no certificate (possible with
    /// <see cref="TlsClientCertificateMode.Requested"/>) is rejected too, under the name <c>(no certificate)</c>.
    /// </summary>
    /// <remarks>Defaults to <c>null</c> (every client is allowed).</remarks>
    public Func<string, X509Certificate2, bool>? IsClientAllowed { get; set; }

    /// <summary>
    /// cio's <c>rejectClient</c>: answers a rejected client (over TLS) before the connection is closed, for
    /// example with a refusal message. When <c>null</c>, a rejected client is closed and the middleware throws
    /// <see cref="TlsException"/> <c>TLS_CLIENT_REJECTED</c> with the message <c>Client Rejected: NAME</c>.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public Func<ConnectionContext, string, ValueTask>? RejectClient { get; set; }

    /// <summary>
    /// Called for each connection the TLS layer gives up on (Node's <c>tlsClientError</c>): a failed or timed-out
    /// handshake, garbage instead of a ClientHello, an untrusted client certificate, or a rejected client when
    /// <see cref="RejectClient"/> is <c>null</c>. The connection is closed after it returns; others are unaffected.
    /// </summary>
    /// <remarks>Defaults to <c>null</c> (the failure is only logged, at Debug; rejections at Warning).</remarks>
    public Action<ConnectionContext, TlsException>? ClientError { get; set; }

    /// <summary>ALPN protocols offered, most preferred first; empty for no ALPN.</summary>
    /// <remarks>Defaults to empty.</remarks>
    public IList<SslApplicationProtocol> ApplicationProtocols { get; } = [];

    /// <summary>
    /// How long a peer has to complete the handshake (from the connection's start); then it is closed with
    /// <c>TLS_HANDSHAKE_TIMEOUT</c>. <see cref="Timeout.InfiniteTimeSpan"/> for no limit.
    /// </summary>
    /// <remarks>Defaults to 10 seconds.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative (other than infinite).</exception>
    public TimeSpan HandshakeTimeout
    {
        get => _handshakeTimeout;
        set => _handshakeTimeout = value == Timeout.InfiniteTimeSpan || value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), value, "HandshakeTimeout must be positive, or Timeout.InfiniteTimeSpan.");
    }

    /// <summary>
    /// TLS or plaintext on one port (sack.vfs's <c>allowSSLfallback</c>): the first bytes of each connection
    /// decide; a TLS ClientHello goes through TLS, anything else continues as plaintext without
    /// <see cref="IConnectionTlsFeature"/>.
    /// </summary>
    /// <remarks>
    /// Defaults to <c>false</c>: a connection that does not speak TLS fails with <c>TLS_HANDSHAKE_FAILED</c>.
    /// The decision waits for the client's first byte (within <see cref="HandshakeTimeout"/>), so it suits
    /// protocols where the client speaks first; a plaintext client waiting for a server greeting times out.
    /// </remarks>
    public bool AllowPlaintextFallback { get; set; }

    /// <summary>The clock behind <see cref="HandshakeTimeout"/>.</summary>
    /// <remarks>Defaults to <see cref="System.TimeProvider.System"/>.</remarks>
    /// <exception cref="ArgumentNullException"><c>null</c>.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(TimeProvider));
    }

    /// <summary>
    /// Serves <paramref name="certificate"/> to clients asking (by SNI) for one of <paramref name="hosts"/>.
    /// Takes effect for the next handshake, also on a running server (sack.vfs's <c>addCert</c>).
    /// </summary>
    /// <param name="hosts">Host names separated by <c>,</c>, <c>~</c> (sack.vfs) or spaces; <c>*.example.com</c> matches one label; <c>*</c> makes it the default.</param>
    /// <param name="certificate">The certificate.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentNullException">An argument is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="hosts"/> names no host.</exception>
    public TlsServerOptions AddCertificate(string hosts, TlsCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        return AddCertificate(hosts.Split([',', '~', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), certificate);
    }

    /// <summary>Serves <paramref name="certificate"/> to clients asking for one of <paramref name="hosts"/>.</summary>
    /// <param name="hosts">Host names; <c>*.example.com</c> matches one label; <c>*</c> makes it the default.</param>
    /// <param name="certificate">The certificate.</param>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentNullException">An argument is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="hosts"/> is empty or holds an empty name.</exception>
    public TlsServerOptions AddCertificate(IEnumerable<string> hosts, TlsCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(certificate);
        string[] names = hosts.ToArray();
        if (names.Length == 0 || names.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Name at least one host, and no empty ones.", nameof(hosts));
        }

        lock (_lock)
        {
            _certificates = _certificates.With(names, certificate);
        }

        return this;
    }

    /// <summary>
    /// Loads and adds a certificate: <paramref name="certificate"/> and <paramref name="key"/> are each a file
    /// path or PEM text (cio's file-or-buffer convenience).
    /// </summary>
    /// <param name="hosts">Host names, as in <see cref="AddCertificate(string, TlsCertificate)"/>.</param>
    /// <param name="certificate">A PEM certificate (or full chain) file, or the PEM text.</param>
    /// <param name="key">A PEM key file, or the PEM text.</param>
    /// <param name="passphrase">The key's passphrase, or <c>null</c>.</param>
    /// <returns>These options.</returns>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>, naming the file.</exception>
    public TlsServerOptions AddCertificate(string hosts, string certificate, string key, string? passphrase = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificate);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return AddCertificate(hosts, TlsCertificate.Load(certificate, key, passphrase));
    }

    /// <summary>The certificate for an SNI name: exact host, then wildcard, then the default.</summary>
    internal TlsCertificate? Select(string? hostName) => _certificates.Find(hostName) ?? ServerCertificate ?? _certificates.Default;

    /// <summary>Whether a handshake can find a certificate: a default, one added by host, or a selector.</summary>
    public bool HasCertificate => ServerCertificate is not null || _certificates.Default is not null || ServerCertificateSelector is not null;

    /// <summary>An immutable host → certificate table, replaced whole on every change so handshakes read it without a lock.</summary>
    private sealed class CertificateTable
    {
        public static readonly CertificateTable Empty = new(new Dictionary<string, TlsCertificate>(StringComparer.OrdinalIgnoreCase), new Dictionary<string, TlsCertificate>(StringComparer.OrdinalIgnoreCase), null, null);

        private readonly Dictionary<string, TlsCertificate> _exact;
        private readonly Dictionary<string, TlsCertificate> _wildcards; // "example.com" for "*.example.com"
        private readonly TlsCertificate? _star;
        private readonly TlsCertificate? _first;

        private CertificateTable(Dictionary<string, TlsCertificate> exact, Dictionary<string, TlsCertificate> wildcards, TlsCertificate? star, TlsCertificate? first)
        {
            _exact = exact;
            _wildcards = wildcards;
            _star = star;
            _first = first;
        }

        public TlsCertificate? Default => _star ?? _first;

        public CertificateTable With(string[] hosts, TlsCertificate certificate)
        {
            var exact = new Dictionary<string, TlsCertificate>(_exact, StringComparer.OrdinalIgnoreCase);
            var wildcards = new Dictionary<string, TlsCertificate>(_wildcards, StringComparer.OrdinalIgnoreCase);
            TlsCertificate? star = _star;
            foreach (string host in hosts)
            {
                string name = host.TrimEnd('.');
                if (name == "*")
                {
                    star = certificate;
                }
                else if (name.StartsWith("*.", StringComparison.Ordinal))
                {
                    wildcards[name[2..]] = certificate;
                }
                else
                {
                    exact[name] = certificate;
                }
            }

            return new CertificateTable(exact, wildcards, star, _first ?? certificate);
        }

        public TlsCertificate? Find(string? hostName)
        {
            if (string.IsNullOrEmpty(hostName))
            {
                return null;
            }

            string name = hostName.TrimEnd('.');
            if (_exact.TryGetValue(name, out TlsCertificate? exact))
            {
                return exact;
            }

            int dot = name.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && _wildcards.TryGetValue(name[(dot + 1)..], out TlsCertificate? wildcard) ? wildcard : null;
        }
    }
}
