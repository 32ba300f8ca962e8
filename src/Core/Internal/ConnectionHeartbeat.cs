using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PipeNet.Internal;

/// <summary>
/// One timer for all of a dispatcher's connections (never a timer per connection): each tick walks the
/// open connections and lets each check its idle clock.
/// </summary>
internal sealed class ConnectionHeartbeat : IDisposable
{
    private readonly ConcurrentDictionary<long, DispatchedConnection> _connections;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private int _ticking;

    public ConnectionHeartbeat(ConcurrentDictionary<long, DispatchedConnection> connections, TimeProvider timeProvider, TimeSpan interval, ILogger logger)
    {
        _connections = connections;
        _timeProvider = timeProvider;
        _logger = logger;
        _timer = timeProvider.CreateTimer(static state => ((ConnectionHeartbeat)state!).OnTick(), this, interval, interval);
    }

    private void OnTick()
    {
        // A slow tick (thousands of connections, a slow handler) must not overlap the next one.
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        try
        {
            long now = _timeProvider.GetTimestamp();
            foreach (KeyValuePair<long, DispatchedConnection> entry in _connections)
            {
                entry.Value.OnHeartbeat(now, _logger);
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    public void Dispose() => _timer.Dispose();
}
