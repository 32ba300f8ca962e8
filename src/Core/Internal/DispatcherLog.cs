using System.Net;
using Microsoft.Extensions.Logging;

namespace PipeNet.Internal;

/// <summary>The dispatcher's log messages. Event ids are fixed and never reused.</summary>
internal static partial class DispatcherLog
{
    [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} accepted from {RemoteEndPoint} on {LocalEndPoint}.")]
    public static partial void ConnectionAccepted(ILogger logger, string connectionId, EndPoint? remoteEndPoint, EndPoint? localEndPoint);

    [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} closed after {Duration} ms ({BytesRead} bytes in, {BytesWritten} bytes out).")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId, double duration, long bytesRead, long bytesWritten);

    [LoggerMessage(3, LogLevel.Warning, "Connection from {RemoteEndPoint} dropped: {ConnectionCount} connections open, MaxConnections is {MaxConnections}.")]
    public static partial void ConnectionDropped(ILogger logger, EndPoint? remoteEndPoint, int connectionCount, int maxConnections);

    [LoggerMessage(4, LogLevel.Warning, "Accepting on {EndPoint} failed with {Code}; retrying in {Delay} ms.")]
    public static partial void AcceptRetrying(ILogger logger, EndPoint endPoint, string code, double delay, Exception exception);

    [LoggerMessage(5, LogLevel.Critical, "The accept loop on {EndPoint} died.")]
    public static partial void AcceptLoopFaulted(ILogger logger, EndPoint endPoint, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "Connection {ConnectionId}: the application threw.")]
    public static partial void ApplicationError(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(7, LogLevel.Debug, "Connection {ConnectionId} idle for {IdleTimeout}; running its timeout handling.")]
    public static partial void IdleTimeout(ILogger logger, string connectionId, TimeSpan idleTimeout);

    [LoggerMessage(8, LogLevel.Error, "Connection {ConnectionId}: the idle-timeout handler threw.")]
    public static partial void IdleTimeoutHandlerError(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "Listening on {EndPoint}.")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(10, LogLevel.Information, "Stopping: {ConnectionCount} connections open, grace period {Timeout}.")]
    public static partial void Stopping(ILogger logger, int connectionCount, TimeSpan timeout);

    [LoggerMessage(11, LogLevel.Warning, "Grace period over: aborting {ConnectionCount} connections.")]
    public static partial void AbortingAfterGracePeriod(ILogger logger, int connectionCount);

    [LoggerMessage(12, LogLevel.Debug, "Connection {ConnectionId}: applying socket options failed.")]
    public static partial void SocketOptionsFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(13, LogLevel.Error, "A ConnectionDropped handler threw.")]
    public static partial void DroppedHandlerError(ILogger logger, Exception exception);
}
