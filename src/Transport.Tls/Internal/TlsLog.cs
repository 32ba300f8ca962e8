using Microsoft.Extensions.Logging;

namespace PipeNet.Transport.Tls.Internal;

/// <summary>The TLS layer's log messages. Event ids are fixed and never reused (300–399).</summary>
internal static partial class TlsLog
{
    [LoggerMessage(300, LogLevel.Debug, "Connection {ConnectionId}: TLS handshake done ({Protocol}, {CipherSuite}, SNI {HostName}).")]
    public static partial void HandshakeCompleted(ILogger logger, string connectionId, string protocol, string cipherSuite, string? hostName);

    [LoggerMessage(301, LogLevel.Debug, "Connection {ConnectionId}: TLS handshake failed with {Code}.")]
    public static partial void HandshakeFailed(ILogger logger, string connectionId, string code, Exception exception);

    [LoggerMessage(302, LogLevel.Warning, "Connection {ConnectionId}: client '{ClientName}' rejected.")]
    public static partial void ClientRejected(ILogger logger, string connectionId, string clientName);

    [LoggerMessage(303, LogLevel.Debug, "Connection {ConnectionId}: not TLS; served as plaintext.")]
    public static partial void PlaintextFallback(ILogger logger, string connectionId);

    [LoggerMessage(304, LogLevel.Error, "Connection {ConnectionId}: the TLS client-error handler threw.")]
    public static partial void ClientErrorHandlerFailed(ILogger logger, string connectionId, Exception exception);
}
