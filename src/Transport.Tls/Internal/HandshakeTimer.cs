using System.Runtime.CompilerServices;

namespace PipeNet.Transport.Tls.Internal;

/// <summary>
/// Handshake deadlines for every TLS connection on one clock, checked by a single shared timer (never a
/// timer per connection). A handshake registers a <see cref="CancellationTokenSource"/> with its deadline;
/// the tick cancels it when the deadline passes. The timer runs only while handshakes are pending.
/// </summary>
internal sealed class HandshakeTimer
{
    private static readonly ConditionalWeakTable<TimeProvider, HandshakeTimer> s_timers = new();
    private static readonly TimeSpan s_maxResolution = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_minResolution = TimeSpan.FromMilliseconds(10);

    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, (long Deadline, CancellationTokenSource Cancel)> _pending = [];
    private ITimer? _timer;
    private TimeSpan _period;
    private long _nextId;

    private HandshakeTimer(TimeProvider clock) => _clock = clock;

    public static HandshakeTimer For(TimeProvider clock) => s_timers.GetValue(clock, static c => new HandshakeTimer(c));

    /// <summary>Registers a handshake; its token is cancelled once <paramref name="timeout"/> has passed. Dispose the result when the handshake ends.</summary>
    public Registration Start(TimeSpan timeout, CancellationToken linked)
    {
        CancellationTokenSource cancel = linked.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(linked) : new CancellationTokenSource();
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return new Registration(this, 0, cancel);
        }

        // The tick is the timeout's resolution: a quarter of the timeout, within 10 ms..1 s.
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, s_minResolution.Ticks, s_maxResolution.Ticks));
        long deadline = _clock.GetTimestamp() + (long)(timeout.TotalSeconds * _clock.TimestampFrequency);
        long id;
        lock (_lock)
        {
            id = ++_nextId;
            _pending[id] = (deadline, cancel);
            if (_timer is null || period < _period)
            {
                _timer?.Dispose();
                _period = period;
                _timer = _clock.CreateTimer(static state => ((HandshakeTimer)state!).Tick(), this, period, period);
            }
        }

        return new Registration(this, id, cancel);
    }

    private void Tick()
    {
        List<CancellationTokenSource>? expired = null;
        long now = _clock.GetTimestamp();
        lock (_lock)
        {
            foreach (KeyValuePair<long, (long Deadline, CancellationTokenSource Cancel)> entry in _pending)
            {
                if (entry.Value.Deadline <= now)
                {
                    (expired ??= []).Add(entry.Value.Cancel);
                    _pending.Remove(entry.Key);
                }
            }

            if (_pending.Count == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }

        if (expired is not null)
        {
            foreach (CancellationTokenSource cancel in expired)
            {
                try
                {
                    cancel.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The handshake finished between the check and the cancel.
                }
            }
        }
    }

    private void Remove(long id)
    {
        lock (_lock)
        {
            _pending.Remove(id);
        }
    }

    /// <summary>One pending handshake's deadline.</summary>
    internal readonly struct Registration(HandshakeTimer owner, long id, CancellationTokenSource cancel) : IDisposable
    {
        public CancellationToken Token => cancel.Token;

        /// <summary>Whether the deadline (not the caller's token) cancelled the handshake.</summary>
        public bool TimedOut(CancellationToken linked) => cancel.IsCancellationRequested && !linked.IsCancellationRequested;

        public void Dispose()
        {
            if (id != 0)
            {
                owner.Remove(id);
            }

            cancel.Dispose();
        }
    }
}
