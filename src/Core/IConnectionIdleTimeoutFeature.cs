namespace PipeNet;

/// <summary>
/// Per-connection idle timeout, driven by the dispatcher's shared heartbeat. A connection is idle when
/// no byte moved in either direction; the timeout fires once per idle period.
/// </summary>
public interface IConnectionIdleTimeoutFeature
{
    /// <summary>
    /// The idle period after which <see cref="TimedOut"/> runs; <c>null</c> disables it. Starts as the
    /// dispatcher's <c>IdleTimeout</c>; changing it restarts the idle clock.
    /// </summary>
    TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// Runs on the heartbeat when the connection has been idle for <see cref="IdleTimeout"/>. When no
    /// handler is set the connection is aborted with <see cref="NetErrorCode.TimedOut"/>. The handler
    /// must not block: it runs on the shared timer.
    /// </summary>
    Action<Microsoft.AspNetCore.Connections.ConnectionContext>? TimedOut { get; set; }

    /// <summary>Restarts the idle clock, as if a byte had moved.</summary>
    void ResetIdleClock();
}
