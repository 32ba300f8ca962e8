using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tls.Internal;

namespace PipeNet.Transport.Tls;

/// <summary>Client TLS over any connected <see cref="ConnectionContext"/> (for example one from <c>TcpConnector</c>).</summary>
public static class TlsClient
{
    /// <summary>
    /// Runs the client handshake on <paramref name="connection"/> and returns the connection as the
    /// application should use it from then on: same endpoints and features, a plaintext pipe, and
    /// <see cref="IConnectionTlsFeature"/>. Disposing the result sends <c>close_notify</c> and closes the connection.
    /// </summary>
    /// <param name="connection">A connected connection; after a failure it is disposed.</param>
    /// <param name="options">Trust, SNI name, client certificate, ALPN; the defaults (system trust) when <c>null</c>.</param>
    /// <param name="host">The host connected to, used for SNI and verification when <see cref="TlsClientOptions.HostName"/> is not set; <c>null</c> uses the remote IP address.</param>
    /// <param name="cancellationToken">Cancels the handshake.</param>
    /// <returns>The TLS connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is <c>null</c>.</exception>
    /// <exception cref="TlsException">
    /// <c>TLS_HOSTNAME_MISMATCH</c>, <c>TLS_UNTRUSTED</c>, <c>TLS_EXPIRED</c>, <c>TLS_HANDSHAKE_TIMEOUT</c>,
    /// <c>TLS_PROTOCOL_UNSUPPORTED</c>, <c>TLS_HANDSHAKE_FAILED</c>, or <c>TLS_CERTIFICATE_INVALID</c> for a bad CA file.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<ConnectionContext> AuthenticateAsync(ConnectionContext connection, TlsClientOptions? options = null, string? host = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new TlsClientOptions();
        string target = options.HostName ?? host ?? (connection.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "localhost";

        X509Certificate2Collection? roots;
        try
        {
            roots = options.Insecure ? null : options.GetCustomRoots();
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var handshake = new ClientHandshake(options.Insecure);
        var sslOptions = new SslClientAuthenticationOptions
        {
            TargetHost = target,
            EnabledSslProtocols = TlsProtocols.FromMinimum(options.MinVersion),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = handshake.Validate,
            AllowRenegotiation = false,
        };

        if (options.ApplicationProtocols.Count > 0)
        {
            sslOptions.ApplicationProtocols = [.. options.ApplicationProtocols];
        }

        if (options.ClientCertificate is { } clientCertificate)
        {
            sslOptions.ClientCertificateContext = clientCertificate.Context;
        }

        if (roots is not null)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(roots);
            sslOptions.CertificateChainPolicy = policy;
        }

        var wire = new DuplexPipeStream(connection.Transport) { Capturing = false };
        var ssl = new SslStream(wire, leaveInnerStreamOpen: true);
        using (HandshakeTimer.Registration deadline = HandshakeTimer.For(options.TimeProvider).Start(options.HandshakeTimeout, cancellationToken))
        {
            try
            {
                await ssl.AuthenticateAsClientAsync(sslOptions, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            catch (Exception ex)
            {
                TlsException error = TlsErrors.Translate(ex, $"TLS connect {target}", deadline.TimedOut(cancellationToken), options.HandshakeTimeout, handshake.CertificateFailure, target, default);
                await ssl.DisposeAsync().ConfigureAwait(false);
                connection.Abort(new ConnectionAbortedException(error.Message, error));
                await connection.DisposeAsync().ConfigureAwait(false);
                throw error;
            }
        }

        var feature = new TlsConnectionFeature(ssl, isServer: false, target, handshake.VerificationError);
        var pipe = new TlsDuplexPipe(ssl, wire, connection.Transport, connection.Features.Get<IConnectionSendProgressFeature>(), pool: null);
        return new TlsConnection(connection, pipe, feature);
    }
}
