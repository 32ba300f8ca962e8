using System.Net;
using Microsoft.Extensions.Logging;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>The TCP/Unix transport's log messages. Event ids are fixed and never reused (100–199).</summary>
internal static partial class TcpLog
{
    [LoggerMessage(100, LogLevel.Debug, "Connection {ConnectionId}: the peer closed its side (FIN).")]
    public static partial void PeerClosed(ILogger logger, string connectionId);

    [LoggerMessage(101, LogLevel.Debug, "Connection {ConnectionId}: receive failed with {Code}.")]
    public static partial void ReceiveFailed(ILogger logger, string connectionId, string code, Exception exception);

    [LoggerMessage(102, LogLevel.Debug, "Connection {ConnectionId}: send failed with {Code}.")]
    public static partial void SendFailed(ILogger logger, string connectionId, string code, Exception exception);

    [LoggerMessage(103, LogLevel.Information, "Removed the stale Unix socket file {Path}.")]
    public static partial void StaleUnixSocketRemoved(ILogger logger, string path);

    [LoggerMessage(104, LogLevel.Debug, "Listening socket bound to {EndPoint}.")]
    public static partial void Bound(ILogger logger, EndPoint? endPoint);

    [LoggerMessage(105, LogLevel.Debug, "Accept on {EndPoint}: a peer went away before it was accepted ({Code}).")]
    public static partial void AcceptedConnectionGone(ILogger logger, EndPoint? endPoint, string code);
}
