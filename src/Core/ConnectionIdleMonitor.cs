using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PipeNet.Internal;

namespace PipeNet;

/// <summary>
/// Idle timeouts for any number of connections on one shared timer (never a timer per connection):
/// each heartbeat compares every tracked connection's byte counts with what it saw last time.
/// The <see cref="ConnectionDispatcher"/> owns one; clients that no dispatcher serves use <see cref="Shared"/>.
/// </summary>
/// <remarks>
/// The clocks form an intrusive doubly linked list (each clock holds its own links), so tracking a connection
/// costs no allocation beyond its clock and untracking is O(1). The heartbeat walks the list one clock at a time
/// with the lock taken only to step, and runs timeouts outside it; <see cref="Untrack"/> moves the walk's cursor
/// past a clock it removes, so clocks may come and go during a tick (a clock tracked mid-tick waits for the next).
/// </remarks>
public sealed class ConnectionIdleMonitor : IDisposable
{
    private static readonly Lazy<ConnectionIdleMonitor> s_shared = new(() => new ConnectionIdleMonitor());

    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private IdleClock? _first; // guarded by _lock, as are every clock's links
    private IdleClock? _cursor; // the next clock the running heartbeat visits; guarded by _lock
    private int _count; // guarded by _lock
    private int _ticking;

    /// <summary>Creates a monitor and starts its heartbeat.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <c>null</c>.</param>
    /// <param name="interval">The heartbeat period, which is also the timeouts' resolution; 1 second when <c>null</c>.</param>
    /// <param name="loggerFactory">Where log messages go; none when <c>null</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is zero or negative.</exception>
    public ConnectionIdleMonitor(TimeProvider? timeProvider = null, TimeSpan? interval = null, ILoggerFactory? loggerFactory = null)
    {
        TimeSpan period = interval ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero, nameof(interval));
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PipeNet.ConnectionDispatcher");
        _timer = _timeProvider.CreateTimer(static state => ((ConnectionIdleMonitor)state!).OnTick(), this, period, period);
    }

    /// <summary>A process-wide monitor on the system clock with a one-second heartbeat.</summary>
    public static ConnectionIdleMonitor Shared => s_shared.Value;

    /// <summary>The clock behind this monitor.</summary>
    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>
    /// Starts watching <paramref name="connection"/>, which must offer <see cref="IConnectionBytesFeature"/>,
    /// and sets the returned clock as its <see cref="IConnectionIdleTimeoutFeature"/>.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="idleTimeout">The initial timeout; <c>null</c> for none yet.</param>
    /// <returns>The connection's idle clock; pass it to <see cref="Untrack"/> when the connection ends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">The connection does not count its bytes.</exception>
    public IConnectionIdleTimeoutFeature Track(ConnectionContext connection, TimeSpan? idleTimeout)
    {
        ArgumentNullException.ThrowIfNull(connection);
        IConnectionBytesFeature bytes = connection.Features.Get<IConnectionBytesFeature>()
            ?? throw new ArgumentException("The connection does not offer IConnectionBytesFeature, which idle detection needs.", nameof(connection));
        var clock = new TrackedIdleClock(this, connection, bytes, idleTimeout);
        connection.Features.Set<IConnectionIdleTimeoutFeature>(clock);
        Add(clock);
        return clock;
    }

    /// <summary>Stops watching the connection behind <paramref name="clock"/>.</summary>
    /// <param name="clock">A clock returned by <see cref="Track"/>.</param>
    public void Untrack(IConnectionIdleTimeoutFeature clock)
    {
        if (clock is IdleClock idle && idle.Monitor == this)
        {
            Remove(idle);
        }
    }

    /// <summary>Stops the heartbeat.</summary>
    public void Dispose() => _timer.Dispose();

    /// <summary>Clocks tracked now.</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Links a clock whose <see cref="IdleClock.Monitor"/> is this one; the heartbeat sees it from its next tick.</summary>
    internal void Add(IdleClock clock)
    {
        lock (_lock)
        {
            // New clocks go in front, behind a running heartbeat's cursor: a tick never visits a clock twice.
            clock.Next = _first;
            if (_first is not null)
            {
                _first.Previous = clock;
            }

            _first = clock;
            _count++;
        }
    }

    /// <summary>Unlinks a clock; <c>false</c> when it was not linked (never added, or removed already).</summary>
    internal bool Remove(IdleClock clock)
    {
        lock (_lock)
        {
            if (clock.Previous is null && _first != clock)
            {
                return false;
            }

            if (_cursor == clock)
            {
                _cursor = clock.Next;
            }

            if (clock.Previous is { } previous)
            {
                previous.Next = clock.Next;
            }
            else
            {
                _first = clock.Next;
            }

            if (clock.Next is { } next)
            {
                next.Previous = clock.Previous;
            }

            clock.Previous = null;
            clock.Next = null;
            _count--;
            return true;
        }
    }

    /// <summary>The clocks tracked now, for a caller that acts on each outside the lock (the dispatcher's stop).</summary>
    internal IdleClock[] Snapshot()
    {
        lock (_lock)
        {
            var clocks = new IdleClock[_count];
            int i = 0;
            for (IdleClock? clock = _first; clock is not null; clock = clock.Next)
            {
                clocks[i++] = clock;
            }

            return clocks;
        }
    }

    private void OnTick()
    {
        // A slow tick (many connections, a slow handler) must not overlap the next one.
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        try
        {
            long now = _timeProvider.GetTimestamp();
            lock (_lock)
            {
                _cursor = _first;
            }

            while (true)
            {
                // Step under the lock, visit outside it: a timeout handler may abort its connection, whose
                // teardown untracks it (and moves the cursor if it pointed there) from this very thread.
                IdleClock? clock;
                lock (_lock)
                {
                    clock = _cursor;
                    if (clock is null)
                    {
                        break;
                    }

                    _cursor = clock.Next;
                }

                clock.OnHeartbeat(now, _timeProvider, _logger);
            }
        }
        finally
        {
            lock (_lock)
            {
                _cursor = null;
            }

            Volatile.Write(ref _ticking, 0);
        }
    }
}
