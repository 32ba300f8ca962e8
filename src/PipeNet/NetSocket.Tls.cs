using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tls;

namespace PipeNet;

public sealed partial class NetSocket
{
    /// <summary>Whether the connection is TLS (rampart's <c>tls</c>); <c>false</c> for a plaintext client let through by a TLS-or-plaintext server.</summary>
    public bool Tls => TlsFeature is not null;

    /// <summary>The negotiated cipher suite's IANA name, for example <c>TLS_AES_256_GCM_SHA384</c> (rampart's <c>sslCipher</c>), or <c>null</c>.</summary>
    public string? Cipher => TlsFeature?.CipherSuiteName;

    /// <summary>The negotiated TLS version as OpenSSL and Node name it (<c>TLSv1.3</c>), or <c>null</c>.</summary>
    public string? Protocol => TlsFeature?.ProtocolName;

    /// <summary>The ALPN protocol agreed on, or <c>null</c> (Node's <c>alpnProtocol</c>).</summary>
    public string? Alpn => TlsFeature is { ApplicationProtocol.Protocol.IsEmpty: false } tls ? tls.ApplicationProtocol.ToString() : null;

    /// <summary>The peer's certificate, or <c>null</c>.</summary>
    public X509Certificate2? PeerCertificate => TlsFeature?.RemoteCertificate;

    /// <summary>The peer's name: its certificate's common name (a server sees the client's), or <c>null</c>.</summary>
    public string? PeerName => TlsFeature?.RemoteName;

    /// <summary>Whether the peer's certificate verified against the trusted roots (Node's <c>authorized</c>).</summary>
    public bool Authorized => TlsFeature?.RemoteCertificateVerified ?? false;

    /// <summary>Why the peer's certificate did not verify, or <c>null</c> (Node's <c>authorizationError</c>).</summary>
    public string? AuthorizationError => TlsFeature?.VerificationError;

    /// <summary>Server side: the SNI name the client asked for. Client side: the name verified.</summary>
    public string? ServerName => TlsFeature?.HostName;

    /// <summary>Everything the handshake settled, or <c>null</c> for a plaintext connection.</summary>
    public IConnectionTlsFeature? TlsFeature => _connection?.Features.Get<IConnectionTlsFeature>();

    /// <summary>Runs the client handshake when the options ask for TLS; the connection is returned as it is otherwise.</summary>
    private async Task<ConnectionContext> SecureAsync(ConnectionContext connection)
    {
        if (_options.CreateTlsOptions() is not { } tls)
        {
            return connection;
        }

        string host = _options.Path is null ? _options.Host : "localhost";
        return await TlsClient.AuthenticateAsync(connection, tls, host).ConfigureAwait(false);
    }

    private void CopyTlsOptions(SocketOptions copy)
    {
        SocketOptions own = OwnOptions();
        own.Tls = copy.Tls;
        own.Insecure = copy.Insecure;
        own.CaCert = copy.CaCert;
        own.CaPath = copy.CaPath;
        own.HostName = copy.HostName;
        own.TlsOptions = copy.TlsOptions;
    }
}
