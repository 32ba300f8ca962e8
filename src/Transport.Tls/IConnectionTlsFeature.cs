using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace PipeNet.Transport.Tls;

/// <summary>
/// What a TLS handshake settled, on a connection that completed one (server or client side). A connection
/// without this feature is plaintext (including one a TLS-or-plaintext server let through as plaintext).
/// </summary>
public interface IConnectionTlsFeature
{
    /// <summary>Whether this side is the TLS server.</summary>
    bool IsServer { get; }

    /// <summary>The negotiated protocol, <see cref="SslProtocols.Tls12"/> or <see cref="SslProtocols.Tls13"/>.</summary>
    SslProtocols Protocol { get; }

    /// <summary>The negotiated cipher suite.</summary>
    TlsCipherSuite CipherSuite { get; }

    /// <summary>The cipher suite's IANA name, for example <c>TLS_AES_256_GCM_SHA384</c> (rampart's <c>sslCipher</c>).</summary>
    string CipherSuiteName { get; }

    /// <summary>The protocol name as OpenSSL prints it: <c>TLSv1.2</c> or <c>TLSv1.3</c>.</summary>
    string ProtocolName { get; }

    /// <summary>The ALPN protocol both sides agreed on; <c>default</c> when none.</summary>
    SslApplicationProtocol ApplicationProtocol { get; }

    /// <summary>Server side: the SNI host name the client asked for (<c>null</c> when it sent none). Client side: the name verified.</summary>
    string? HostName { get; }

    /// <summary>The certificate this side presented, if any.</summary>
    X509Certificate2? LocalCertificate { get; }

    /// <summary>The peer's certificate, if it sent one.</summary>
    X509Certificate2? RemoteCertificate { get; }

    /// <summary>
    /// The peer's name: its certificate subject's common name (CN); when the subject has no CN, the first DNS
    /// subject alternative name; <c>null</c> without a certificate. Server side, this is the client name that
    /// <c>IsClientAllowed</c> receives.
    /// </summary>
    string? RemoteName { get; }

    /// <summary>Whether the peer's certificate was verified against the trusted roots (Node's <c>authorized</c>).</summary>
    bool RemoteCertificateVerified { get; }

    /// <summary>Why the peer's certificate did not verify, or <c>null</c> (Node's <c>authorizationError</c>).</summary>
    string? VerificationError { get; }
}
