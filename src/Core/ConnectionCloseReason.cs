namespace PipeNet;

/// <summary>
/// Why a connection ended. Only the first reason is recorded (<see cref="IConnectionCloseReasonFeature"/>):
/// a reset followed by a local close is still a reset. The numbers are stable and never reused.
/// </summary>
public enum ConnectionCloseReason
{
    /// <summary>Still open, or no reason recorded.</summary>
    None = 0,
    /// <summary>The application closed or disposed the connection.</summary>
    LocalClose = 1,
    /// <summary>The peer closed its side (FIN) and the connection then ended normally.</summary>
    PeerClosed = 2,
    /// <summary>The peer reset the connection (RST).</summary>
    PeerReset = 3,
    /// <summary>The connection was aborted locally (RST sent).</summary>
    Aborted = 4,
    /// <summary>No bytes moved for longer than the idle timeout.</summary>
    IdleTimeout = 5,
    /// <summary>The server was stopping and the connection outlived the grace period.</summary>
    ServerStopping = 6,
    /// <summary>A socket or protocol error ended the connection.</summary>
    Error = 7,
    /// <summary>The dispatcher refused the connection (over <c>MaxConnections</c>).</summary>
    Dropped = 8,
}
