namespace PipeNet.Transport.Tls;

/// <summary>Whether a TLS server asks clients for a certificate.</summary>
public enum TlsClientCertificateMode
{
    /// <summary>No certificate is requested (the default).</summary>
    NotRequested,

    /// <summary>A certificate is requested; a client without one is still accepted (Node's <c>requestCert</c>).</summary>
    Requested,

    /// <summary>A certificate is required; a client without one fails the handshake.</summary>
    Required,
}
