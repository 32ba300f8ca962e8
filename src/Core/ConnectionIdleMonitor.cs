using System.Collections.Concurrent;
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
public sealed class ConnectionIdleMonitor : IDisposable
{
    private static readonly Lazy<ConnectionIdleMonitor> s_shared = new(() => new ConnectionIdleMonitor());

    private readonly ConcurrentDictionary<long, IdleClock> _clocks = new();
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private long _nextId;
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
        var clock = new IdleClock(Interlocked.Increment(ref _nextId), connection, bytes, idleTimeout, _timeProvider);
        connection.Features.Set<IConnectionIdleTimeoutFeature>(clock);
        _clocks[clock.Id] = clock;
        return clock;
    }

    /// <summary>Stops watching the connection behind <paramref name="clock"/>.</summary>
    /// <param name="clock">A clock returned by <see cref="Track"/>.</param>
    public void Untrack(IConnectionIdleTimeoutFeature clock)
    {
        if (clock is IdleClock idle)
        {
            _clocks.TryRemove(idle.Id, out _);
        }
    }

    /// <summary>Stops the heartbeat.</summary>
    public void Dispose() => _timer.Dispose();

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
            foreach (KeyValuePair<long, IdleClock> entry in _clocks)
            {
                entry.Value.OnHeartbeat(now, _logger);
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }
}
