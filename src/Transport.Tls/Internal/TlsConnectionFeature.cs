using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace PipeNet.Transport.Tls.Internal;

/// <summary>A snapshot of an authenticated <see cref="SslStream"/>'s negotiated parameters.</summary>
internal sealed class TlsConnectionFeature : IConnectionTlsFeature
{
    public TlsConnectionFeature(SslStream ssl, bool isServer, string? hostName, string? verificationError)
    {
        IsServer = isServer;
        Protocol = ssl.SslProtocol;
        CipherSuite = ssl.NegotiatedCipherSuite;
        ApplicationProtocol = ssl.NegotiatedApplicationProtocol;
        HostName = hostName;
        LocalCertificate = ssl.LocalCertificate as X509Certificate2;
        RemoteCertificate = ssl.RemoteCertificate as X509Certificate2;
        RemoteName = RemoteCertificate is null ? null : TlsCertificate.GetName(RemoteCertificate);
        VerificationError = verificationError ?? (RemoteCertificate is null ? "no certificate" : null);
        RemoteCertificateVerified = VerificationError is null;
    }

    public bool IsServer { get; }

    public SslProtocols Protocol { get; }

    public TlsCipherSuite CipherSuite { get; }

    public string CipherSuiteName => CipherSuite.ToString();

    public string ProtocolName => TlsProtocols.Name(Protocol);

    public SslApplicationProtocol ApplicationProtocol { get; }

    public string? HostName { get; }

    public X509Certificate2? LocalCertificate { get; }

    public X509Certificate2? RemoteCertificate { get; }

    public string? RemoteName { get; }

    public bool RemoteCertificateVerified { get; }

    public string? VerificationError { get; }
}
