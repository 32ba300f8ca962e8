using PipeNet.Transport.Tls;

namespace PipeNet;

public sealed partial class SocketOptions
{
    /// <summary>Connect with TLS (rampart's <c>tls</c>), trusting the system's roots unless <see cref="CaCert"/>/<see cref="CaPath"/> say otherwise.</summary>
    /// <remarks>Defaults to <c>false</c>. Setting <see cref="TlsOptions"/> turns it on.</remarks>
    public bool Tls { get; set; }

    /// <summary>Same as <see cref="Tls"/> (rampart's <c>ssl</c>).</summary>
    public bool Ssl
    {
        get => Tls;
        set => Tls = value;
    }

    /// <summary>Skip verifying the server's certificate (rampart's <c>insecure</c>).</summary>
    /// <remarks>Defaults to <c>false</c>.</remarks>
    public bool Insecure { get; set; }

    /// <summary>A PEM bundle of trusted roots (rampart's <c>cacert</c>); replaces the system's.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? CaCert { get; set; }

    /// <summary>A directory of PEM files with trusted roots (rampart's <c>capath</c>).</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public string? CaPath { get; set; }

    /// <summary>The name sent as SNI and verified (rampart's <c>hostname</c>); needed when <see cref="Host"/> is an IP address and the certificate names a host.</summary>
    /// <remarks>Defaults to <c>null</c> (<see cref="Host"/>).</remarks>
    public string? HostName { get; set; }

    /// <summary>Full control over client TLS (client certificate, ALPN, handshake timeout). Setting it turns <see cref="Tls"/> on; the properties above override its matching settings when set.</summary>
    /// <remarks>Defaults to <c>null</c>.</remarks>
    public TlsClientOptions? TlsOptions { get; set; }

    /// <summary>The client TLS options these settings describe, or <c>null</c> for plaintext.</summary>
    internal TlsClientOptions? CreateTlsOptions()
    {
        if (!Tls && TlsOptions is null)
        {
            return null;
        }

        TlsClientOptions tls = TlsOptions ?? new TlsClientOptions();
        if (Insecure)
        {
            tls.Insecure = true;
        }

        if (CaCert is not null)
        {
            tls.CaFile = CaCert;
        }

        if (CaPath is not null)
        {
            tls.CaPath = CaPath;
        }

        if (HostName is not null)
        {
            tls.HostName = HostName;
        }

        return tls;
    }
}
