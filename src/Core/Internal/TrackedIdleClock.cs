using Microsoft.AspNetCore.Connections;

namespace PipeNet.Internal;

/// <summary>The idle clock <see cref="ConnectionIdleMonitor.Track"/> gives a connection that no dispatcher serves.</summary>
internal sealed class TrackedIdleClock(ConnectionIdleMonitor monitor, ConnectionContext connection, IConnectionBytesFeature bytes, TimeSpan? idleTimeout)
    : IdleClock(connection, bytes, idleTimeout, monitor.TimeProvider.GetTimestamp())
{
    public override ConnectionIdleMonitor Monitor => monitor;
}
