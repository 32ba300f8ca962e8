using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace PipeNet.Internal;

/// <summary>
/// One connection's idle clock (this type is the connection's <see cref="IConnectionIdleTimeoutFeature"/>)
/// and what the heartbeat last saw of it.
/// </summary>
internal sealed class IdleClock : IConnectionIdleTimeoutFeature
{
    private const long Disabled = -1;

    private readonly IConnectionBytesFeature _bytes;
    private readonly TimeProvider _timeProvider;
    private long _idleTimeoutTicks;
    private long _lastByteTotal;
    private long _idleSince;
    private bool _timeoutFired;

    public IdleClock(long id, ConnectionContext connection, IConnectionBytesFeature bytes, TimeSpan? idleTimeout, TimeProvider timeProvider)
    {
        Id = id;
        Connection = connection;
        _bytes = bytes;
        _timeProvider = timeProvider;
        _idleTimeoutTicks = idleTimeout?.Ticks ?? Disabled;
        _idleSince = timeProvider.GetTimestamp();
    }

    public long Id { get; }

    public ConnectionContext Connection { get; }

    public TimeSpan? IdleTimeout
    {
        get => Volatile.Read(ref _idleTimeoutTicks) is var ticks && ticks == Disabled ? null : TimeSpan.FromTicks(ticks);
        set
        {
            if (value is { } v && v <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "IdleTimeout must be positive, or null to disable it.");
            }

            Volatile.Write(ref _idleTimeoutTicks, value?.Ticks ?? Disabled);
            ResetIdleClock();
        }
    }

    public Action<ConnectionContext>? TimedOut { get; set; }

    public void ResetIdleClock()
    {
        Volatile.Write(ref _idleSince, _timeProvider.GetTimestamp());
        Volatile.Write(ref _timeoutFired, false);
    }

    /// <summary>Called by the heartbeat: notices activity, or runs the timeout once per idle period.</summary>
    public void OnHeartbeat(long now, ILogger logger)
    {
        long total = _bytes.BytesRead + _bytes.BytesWritten;
        if (total != _lastByteTotal)
        {
            _lastByteTotal = total;
            Volatile.Write(ref _idleSince, now);
            Volatile.Write(ref _timeoutFired, false);
            return;
        }

        long ticks = Volatile.Read(ref _idleTimeoutTicks);
        if (ticks == Disabled || Volatile.Read(ref _timeoutFired))
        {
            return;
        }

        TimeSpan timeout = TimeSpan.FromTicks(ticks);
        if (_timeProvider.GetElapsedTime(Volatile.Read(ref _idleSince), now) < timeout)
        {
            return;
        }

        Volatile.Write(ref _timeoutFired, true);
        DispatcherLog.IdleTimeout(logger, Connection.ConnectionId, timeout);
        try
        {
            if (TimedOut is { } handler)
            {
                handler(Connection);
            }
            else
            {
                var error = new NetException(NetErrorCode.TimedOut, $"The connection was idle for longer than {timeout}.");
                Connection.Features.Get<IConnectionCloseReasonFeature>()?.TrySetCloseReason(ConnectionCloseReason.IdleTimeout, error);
                Connection.Abort(new ConnectionAbortedException(error.Message, error));
            }
        }
        catch (Exception ex)
        {
            DispatcherLog.IdleTimeoutHandlerError(logger, Connection.ConnectionId, ex);
        }
    }
}
