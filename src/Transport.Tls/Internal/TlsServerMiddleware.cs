using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace PipeNet.Transport.Tls.Internal;

/// <summary>
/// Server TLS as middleware: handshakes each connection (or lets a non-TLS one through as plaintext when
/// fallback is on), checks the client, then runs the rest of the chain on the decrypted pipe.
/// </summary>
/// <remarks>
/// <code>
///  connection ──▶ [fallback: peek hello] ──▶ handshake (deadline) ──▶ client allowed? ──▶ next(TLS connection)
///                   │not TLS                   │failed/timeout           │no
///                   ▼                          ▼                         ▼
///             next(connection)        ClientError, abort        RejectClient or ClientError, close
/// </code>
/// A failed connection is that connection's problem only: it is reported and closed, never thrown into the
/// dispatcher, so every other connection is served as before.
/// </remarks>
internal sealed class TlsServerMiddleware(ConnectionDelegate next, TlsServerOptions options, ILogger logger)
{
    /// <summary>The name a rejection reports for a client that sent no certificate.</summary>
    internal const string NoCertificateName = "(no certificate)";

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        HandshakeTimer.Registration deadline = HandshakeTimer.For(options.TimeProvider).Start(options.HandshakeTimeout, connection.ConnectionClosed);
        TlsConnection? tls = null;
        try
        {
            if (options.AllowPlaintextFallback)
            {
                bool? isTls;
                try
                {
                    isTls = await LooksLikeTlsAsync(connection.Transport.Input, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (deadline.TimedOut(connection.ConnectionClosed))
                {
                    Fail(connection, TlsErrors.Translate(ex, "TLS server", timedOut: true, options.HandshakeTimeout, null, null, default));
                    return;
                }
                catch (Exception ex)
                {
                    Fail(connection, TlsErrors.Translate(ex, "TLS server", timedOut: false, options.HandshakeTimeout, null, null, default));
                    return;
                }

                if (isTls != true)
                {
                    deadline.Dispose();
                    if (isTls == false)
                    {
                        TlsLog.PlaintextFallback(logger, connection.ConnectionId);
                        await next(connection).ConfigureAwait(false);
                    }

                    return;
                }
            }

            tls = await HandshakeAsync(connection, deadline).ConfigureAwait(false);
            deadline.Dispose();
            if (tls is null)
            {
                return;
            }

            var feature = tls.Features.Get<IConnectionTlsFeature>()!;
            if (options.IsClientAllowed is { } isAllowed)
            {
                // An allow-list lets no anonymous client through: without a certificate there is no name to allow.
                bool allowed = feature.RemoteCertificate is { } certificate && isAllowed(feature.RemoteName!, certificate);
                if (!allowed)
                {
                    await RejectAsync(tls, feature.RemoteName ?? NoCertificateName).ConfigureAwait(false);
                    return;
                }
            }

            await next(tls).ConfigureAwait(false);
        }
        finally
        {
            deadline.Dispose();
            if (tls is not null)
            {
                await tls.DisposeTlsAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<TlsConnection?> HandshakeAsync(ConnectionContext connection, HandshakeTimer.Registration deadline)
    {
        IDuplexPipe transport = connection.Transport;
        var wire = new DuplexPipeStream(transport);
        var ssl = new SslStream(wire, leaveInnerStreamOpen: true);
        var handshake = new ServerHandshake(options, connection);
        try
        {
            await ssl.AuthenticateAsServerAsync(ServerHandshake.Select, handshake, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            TlsException error = TlsErrors.Translate(ex, "TLS server", deadline.TimedOut(connection.ConnectionClosed), options.HandshakeTimeout,
                handshake.CertificateFailure, handshake.HostName, wire.Captured.ToArray());
            await ssl.DisposeAsync().ConfigureAwait(false);
            Fail(connection, error);
            return null;
        }

        wire.Capturing = false;
        var feature = new TlsConnectionFeature(ssl, isServer: true, handshake.HostName, handshake.VerificationError);
        TlsLog.HandshakeCompleted(logger, connection.ConnectionId, feature.ProtocolName, feature.CipherSuiteName, feature.HostName);
        var pipe = new TlsDuplexPipe(ssl, wire, transport, connection.Features.Get<IConnectionSendProgressFeature>(), pool: null);
        return new TlsConnection(connection, pipe, feature);
    }

    private async Task RejectAsync(TlsConnection connection, string clientName)
    {
        TlsLog.ClientRejected(logger, connection.ConnectionId, clientName);
        connection.Features.Get<IConnectionCloseReasonFeature>()?.TrySetCloseReason(ConnectionCloseReason.Error,
            new TlsException(NetErrorCode.TlsClientRejected, $"Client Rejected: {clientName}") { ClientName = clientName });
        if (options.RejectClient is { } reject)
        {
            await reject(connection, clientName).ConfigureAwait(false);
            return; // The middleware's finally sends close_notify; the dispatcher then closes the socket.
        }

        ReportClientError(connection, new TlsException(NetErrorCode.TlsClientRejected, $"Client Rejected: {clientName}") { ClientName = clientName });
    }

    /// <summary>
    /// Reports a connection that failed in the TLS layer. A peer that timed out is reset (it is not listening);
    /// any other is closed in order, so the alert SslStream wrote (protocol version, bad certificate…) reaches it.
    /// </summary>
    private void Fail(ConnectionContext connection, TlsException error)
    {
        TlsLog.HandshakeFailed(logger, connection.ConnectionId, error.Code, error);
        connection.Features.Get<IConnectionCloseReasonFeature>()?.TrySetCloseReason(ConnectionCloseReason.Error, error);
        ReportClientError(connection, error);
        if (error.Code == NetErrorCode.TlsHandshakeTimeout)
        {
            connection.Abort(new ConnectionAbortedException(error.Message, error));
        }
    }

    private void ReportClientError(ConnectionContext connection, TlsException error)
    {
        try
        {
            options.ClientError?.Invoke(connection, error);
        }
        catch (Exception ex)
        {
            TlsLog.ClientErrorHandlerFailed(logger, connection.ConnectionId, ex);
        }
    }

    /// <summary>
    /// Peeks without consuming: <c>true</c> for a TLS handshake record (0x16 0x03 0x00..0x04), <c>false</c> for
    /// anything else, <c>null</c> when the peer closed before sending a byte. Decides on the first byte that
    /// differs, so a one-byte plaintext message is not held back.
    /// </summary>
    internal static async ValueTask<bool?> LooksLikeTlsAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            bool? verdict = Classify(buffer);
            if (verdict is not null)
            {
                input.AdvanceTo(buffer.Start);
                return verdict;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start);
                return buffer.IsEmpty ? null : false;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool? Classify(ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[3];
        int length = (int)Math.Min(buffer.Length, 3);
        buffer.Slice(0, length).CopyTo(head);
        if (length < 1)
        {
            return null;
        }

        if (head[0] != 0x16)
        {
            return false;
        }

        if (length < 2)
        {
            return null;
        }

        if (head[1] != 0x03)
        {
            return false;
        }

        return length < 3 ? null : head[2] <= 0x04;
    }
}
