using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace PipeNet.Internal;

/// <summary>
/// One connection's idle clock (this type is the connection's <see cref="IConnectionIdleTimeoutFeature"/>),
/// what the heartbeat last saw of it, and its links in its <see cref="ConnectionIdleMonitor"/>'s list.
/// </summary>
/// <remarks>
/// One of these lives as long as its connection, so it is kept small: no id, no per-connection dictionary node
/// (the monitor links clocks into an intrusive list), and "the timeout already fired" is a value of
/// <see cref="_idleSince"/> rather than a field. The dispatcher's <see cref="DispatchedConnection"/> derives from
/// it, so an admitted connection costs one bookkeeping object, not one per concern.
/// </remarks>
internal abstract class IdleClock : IConnectionIdleTimeoutFeature
{
    private const long Disabled = -1;

    // A value of _idleSince no timestamp takes: the timeout fired, and fires again only after activity or a reset.
    private const long Fired = long.MinValue;

    private readonly IConnectionBytesFeature _bytes;
    private long _idleTimeoutTicks;
    private long _lastByteTotal;
    private long _idleSince;

    protected IdleClock(ConnectionContext connection, IConnectionBytesFeature bytes, TimeSpan? idleTimeout, long now)
    {
        Connection = connection;
        _bytes = bytes;
        _idleTimeoutTicks = idleTimeout?.Ticks ?? Disabled;
        _idleSince = now;
    }

    public ConnectionContext Connection { get; }

    public IConnectionBytesFeature Bytes => _bytes;

    /// <summary>The monitor whose heartbeat drives this clock, and whose clock it reads.</summary>
    public abstract ConnectionIdleMonitor Monitor { get; }

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

    // The monitor's list; both links are guarded by the monitor's lock. An unlinked clock has both null and is not
    // the list's head.
    internal IdleClock? Previous { get; set; }

    internal IdleClock? Next { get; set; }

    public void ResetIdleClock() => Volatile.Write(ref _idleSince, Monitor.TimeProvider.GetTimestamp());

    /// <summary>Called by the heartbeat: notices activity, or runs the timeout once per idle period.</summary>
    public void OnHeartbeat(long now, TimeProvider timeProvider, ILogger logger)
    {
        long total = _bytes.BytesRead + _bytes.BytesWritten;
        if (total != _lastByteTotal)
        {
            _lastByteTotal = total;
            Volatile.Write(ref _idleSince, now);
            return;
        }

        long ticks = Volatile.Read(ref _idleTimeoutTicks);
        long idleSince = Volatile.Read(ref _idleSince);
        if (ticks == Disabled || idleSince == Fired)
        {
            return;
        }

        TimeSpan timeout = TimeSpan.FromTicks(ticks);
        if (timeProvider.GetElapsedTime(idleSince, now) < timeout)
        {
            return;
        }

        // A ResetIdleClock that raced with this check wins: the clock restarts instead of firing.
        if (Interlocked.CompareExchange(ref _idleSince, Fired, idleSince) != idleSince)
        {
            return;
        }

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
