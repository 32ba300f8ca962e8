using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace PipeNet.Transport.Tls;

/// <summary>Options of a TLS client handshake (<see cref="TlsClient"/>).</summary>
public sealed class TlsClientOptions
{
    private static readonly TimeSpan s_defaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    private SslProtocols _minVersion = SslProtocols.Tls12;
    private TimeSpan _handshakeTimeout = s_defaultHandshakeTimeout;
    private TimeProvider _timeProvider = TimeProvider.System;
    private string? _caFile;
    private string? _caPath;
    private X509Certificate2Collection? _loadedRoots;

    /// <summary>
    /// The name sent as SNI and verified against the server's certificate (rampart's <c>hostname</c>); needed
    /// when connecting by IP address to a server whose certificate names a host. <c>null</c> uses the host
    /// connected to.
    /// </summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? HostName { get; set; }

    /// <summary>Skip verifying the server's certificate (rampart's <c>insecure</c>). For tests and pinned peers only.</summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool Insecure { get; set; }

    /// <summary>
    /// A PEM bundle of trusted roots (rampart's <c>cacert</c>); it replaces the system's trust store. Read at the
    /// first handshake; a bad file fails that handshake with <c>TLS_CERTIFICATE_INVALID</c> naming it.
    /// </summary>
    /// <remarks>Defaults to <c>null</c> (system trust).</remarks>
    public string? CaFile
    {
        get => _caFile;
        set
        {
            _caFile = value;
            _loadedRoots = null;
        }
    }

    /// <summary>A directory of PEM files holding trusted roots (rampart's <c>capath</c>); it replaces the system's trust store, and adds to <see cref="CaFile"/>.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? CaPath
    {
        get => _caPath;
        set
        {
            _caPath = value;
            _loadedRoots = null;
        }
    }

    /// <summary>Trusted roots given in memory (cio's <c>ca</c>/<c>root</c> buffers); with <see cref="CaFile"/>/<see cref="CaPath"/> they add up.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public X509Certificate2Collection? TrustedRoots { get; set; }

    /// <summary>The certificate (with key) presented when the server asks for one.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public TlsCertificate? ClientCertificate { get; set; }

    /// <summary>ALPN protocols offered, most preferred first.</summary>
    /// <remarks>Defaults to empty.</remarks>
    public IList<SslApplicationProtocol> ApplicationProtocols { get; } = [];

    /// <summary>The lowest TLS version accepted: <see cref="SslProtocols.Tls12"/> or <see cref="SslProtocols.Tls13"/>.</summary>
    /// <remarks>Defaults to <see cref="SslProtocols.Tls12"/>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">SSLv3, TLS 1.0 or TLS 1.1 (refused, with the reason), or any other value.</exception>
    public SslProtocols MinVersion
    {
        get => _minVersion;
        set => _minVersion = TlsProtocols.ValidateMinimum(value, nameof(MinVersion));
    }

    /// <summary>How long the handshake may take before it fails with <c>TLS_HANDSHAKE_TIMEOUT</c>; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</summary>
    /// <remarks>Defaults to 10 seconds.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">Zero or negative (other than infinite).</exception>
    public TimeSpan HandshakeTimeout
    {
        get => _handshakeTimeout;
        set => _handshakeTimeout = value == Timeout.InfiniteTimeSpan || value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), value, "HandshakeTimeout must be positive, or Timeout.InfiniteTimeSpan.");
    }

    /// <summary>The clock behind <see cref="HandshakeTimeout"/>.</summary>
    /// <remarks>Defaults to <see cref="System.TimeProvider.System"/>.</remarks>
    /// <exception cref="ArgumentNullException"><c>null</c>.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        set => _timeProvider = value ?? throw new ArgumentNullException(nameof(TimeProvider));
    }

    /// <summary>The custom roots, or <c>null</c> for system trust. Loaded once and cached.</summary>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>, naming the file or directory.</exception>
    internal X509Certificate2Collection? GetCustomRoots()
    {
        if (_caFile is null && _caPath is null && TrustedRoots is null)
        {
            return null;
        }

        X509Certificate2Collection? loaded = _loadedRoots;
        if (loaded is null)
        {
            loaded = [];
            if (_caFile is not null)
            {
                loaded.AddRange(TlsCertificate.LoadAuthorities(_caFile));
            }

            if (_caPath is not null)
            {
                loaded.AddRange(TlsCertificate.LoadAuthorityDirectory(_caPath));
            }

            _loadedRoots = loaded;
        }

        if (TrustedRoots is not { Count: > 0 } roots)
        {
            return loaded;
        }

        var all = new X509Certificate2Collection(loaded);
        all.AddRange(roots);
        return all;
    }
}
