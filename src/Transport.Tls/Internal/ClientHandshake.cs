using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace PipeNet.Transport.Tls.Internal;

/// <summary>One client handshake's certificate check, remembering why it refused the server.</summary>
internal sealed class ClientHandshake(bool insecure)
{
    public (string Code, string Reason)? CertificateFailure { get; private set; }

    public string? VerificationError { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        (string Code, string Reason) failure = (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) != SslPolicyErrors.None
            ? TlsErrors.ClassifyCertificate(errors, chain, isServerCertificate: true)
            : (NetErrorCode.TlsHostnameMismatch, "the certificate names another host");
        VerificationError = failure.Reason;
        if (insecure)
        {
            return true;
        }

        CertificateFailure = failure;
        return false;
    }
}
