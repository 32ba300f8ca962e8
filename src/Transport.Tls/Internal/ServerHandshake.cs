using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Transport.Tls.Internal;

/// <summary>One server handshake's state: picks the certificate for the client's SNI name and checks the client's certificate.</summary>
internal sealed class ServerHandshake(TlsServerOptions options, ConnectionContext connection)
{
    public static readonly ServerOptionsSelectionCallback Select = static (_, hello, state, _) => new(((ServerHandshake)state!).CreateOptions(hello));

    /// <summary>The SNI name the client sent, or <c>null</c>.</summary>
    public string? HostName { get; private set; }

    /// <summary>Why the client's certificate was refused, when it was.</summary>
    public (string Code, string Reason)? CertificateFailure { get; private set; }

    /// <summary>Why the client's certificate did not verify (accepted anyway when RejectUnauthorized is off).</summary>
    public string? VerificationError { get; private set; }

    private SslServerAuthenticationOptions CreateOptions(SslClientHelloInfo hello)
    {
        HostName = string.IsNullOrEmpty(hello.ServerName) ? null : hello.ServerName;
        TlsCertificate certificate = options.ServerCertificateSelector?.Invoke(connection, HostName) ?? options.Select(HostName)
            ?? throw new TlsException(NetErrorCode.TlsHandshakeFailed, $"TLS server: no certificate for '{HostName ?? "(no SNI)"}' and no default certificate.") { HostName = HostName };

        var sslOptions = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate.Context,
            EnabledSslProtocols = TlsProtocols.FromMinimum(options.MinVersion),
            ClientCertificateRequired = options.ClientCertificateMode != TlsClientCertificateMode.NotRequested,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
        };

        if (options.ApplicationProtocols.Count > 0)
        {
            sslOptions.ApplicationProtocols = [.. options.ApplicationProtocols];
        }

        if (sslOptions.ClientCertificateRequired)
        {
            sslOptions.RemoteCertificateValidationCallback = ValidateClientCertificate;
            if (options.ClientCertificateAuthorities is { Count: > 0 } authorities)
            {
                var policy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                };
                policy.CustomTrustStore.AddRange(authorities);
                policy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")); // client authentication
                sslOptions.CertificateChainPolicy = policy;
            }
        }

        return sslOptions;
    }

    private bool ValidateClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        // A server does not check its client's name: only presence and the chain count.
        errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        if (certificate is null)
        {
            if (options.ClientCertificateMode == TlsClientCertificateMode.Required)
            {
                CertificateFailure = TlsErrors.ClassifyCertificate(SslPolicyErrors.RemoteCertificateNotAvailable, null, isServerCertificate: false);
                return false;
            }

            VerificationError = "no certificate";
            return true;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        (string Code, string Reason) failure = TlsErrors.ClassifyCertificate(errors, chain, isServerCertificate: false);
        VerificationError = failure.Reason;
        if (options.RejectUnauthorized)
        {
            CertificateFailure = failure;
            return false;
        }

        return true;
    }
}
