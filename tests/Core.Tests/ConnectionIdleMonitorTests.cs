using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Time.Testing;

namespace PipeNet.Tests;

public sealed class ConnectionIdleMonitorTests
{
    [Fact]
    public void ManyClocksEachTimeOutOncePerIdlePeriodAndUntrackedOnesNever()
    {
        var clock = new FakeTimeProvider();
        using var monitor = new ConnectionIdleMonitor(clock, TimeSpan.FromSeconds(1));
        Tracked[] tracked = TrackMany(monitor, 1000, TimeSpan.FromSeconds(3));
        Assert.Equal(1000, monitor.Count);

        AdvanceSeconds(clock, 10);
        Assert.All(tracked, t => Assert.Equal(1, t.Timeouts));

        for (int i = 0; i < tracked.Length; i += 2)
        {
            monitor.Untrack(tracked[i].Clock);
        }

        Assert.Equal(500, monitor.Count);
        foreach (Tracked t in tracked)
        {
            t.Bytes.Read++; // activity: every clock starts a new idle period
        }

        AdvanceSeconds(clock, 10);
        for (int i = 0; i < tracked.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? 1 : 2, tracked[i].Timeouts);
        }
    }

    [Fact]
    public void ClocksUntrackedDuringATickAreSkippedAndEveryOtherClockIsStillVisited()
    {
        var clock = new FakeTimeProvider();
        using var monitor = new ConnectionIdleMonitor(clock, TimeSpan.FromSeconds(1));
        Tracked[] tracked = TrackMany(monitor, 20, TimeSpan.FromSeconds(1));
        Tracked? first = null;
        var untracked = new HashSet<Tracked>();
        foreach (Tracked t in tracked)
        {
            t.Clock.TimedOut = _ =>
            {
                Interlocked.Increment(ref t.Timeouts);
                if (first is not null)
                {
                    return;
                }

                // The first clock the tick visits untracks itself and half of the others, whichever the walk
                // reaches next among them, while the walk is on it.
                first = t;
                monitor.Untrack(t.Clock);
                for (int i = 0; i < tracked.Length; i += 2)
                {
                    if (tracked[i] != t)
                    {
                        monitor.Untrack(tracked[i].Clock);
                        untracked.Add(tracked[i]);
                    }
                }
            };
        }

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.NotNull(first);
        Assert.Equal(1, first.Timeouts);
        foreach (Tracked t in tracked.Where(t => t != first))
        {
            Assert.Equal(untracked.Contains(t) ? 0 : 1, t.Timeouts);
        }

        Assert.Equal(20 - 1 - untracked.Count, monitor.Count);
    }

    [Fact]
    public void AClockTrackedDuringATickIsFirstVisitedOnTheNextTick()
    {
        var clock = new FakeTimeProvider();
        using var monitor = new ConnectionIdleMonitor(clock, TimeSpan.FromSeconds(1));
        Tracked[] tracked = TrackMany(monitor, 5, TimeSpan.FromSeconds(1));
        Tracked? late = null;
        foreach (Tracked t in tracked)
        {
            t.Clock.TimedOut = _ => late ??= Track(monitor, TimeSpan.FromSeconds(1));
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(late);
        Assert.Equal(0, late.Bytes.Reads);
        Assert.Equal(6, monitor.Count);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, late.Bytes.Reads);
        Assert.Equal(1, late.Timeouts);
    }

    [Fact]
    public void TheHeartbeatNeverOverlapsItself()
    {
        var heartbeat = new ManualHeartbeat();
        using var monitor = new ConnectionIdleMonitor(heartbeat, TimeSpan.FromSeconds(1));
        Tracked[] before = TrackMany(monitor, 3, null);
        Tracked slow = Track(monitor, TimeSpan.FromSeconds(1));
        Tracked[] after = TrackMany(monitor, 3, null);
        Tracked[] others = [.. before, .. after];
        int nested = 0;

        // A handler that outlasts the period, in the middle of the walk: the timer fires again while this tick is
        // still running. That tick must be skipped, not run inside this one (which would visit some clocks twice).
        slow.Clock.TimedOut = _ =>
        {
            if (Interlocked.Increment(ref nested) == 1)
            {
                heartbeat.Beat();
            }
        };

        heartbeat.Beat();
        Assert.Equal(1, nested);
        Assert.All(others, t => Assert.Equal(1, t.Bytes.Reads));

        heartbeat.Beat();
        Assert.All(others, t => Assert.Equal(2, t.Bytes.Reads));
    }

    [Fact]
    public void ResettingTheClockRestartsTheIdlePeriodAndRearmsAFiredTimeout()
    {
        var clock = new FakeTimeProvider();
        using var monitor = new ConnectionIdleMonitor(clock, TimeSpan.FromSeconds(1));
        Tracked t = Track(monitor, TimeSpan.FromSeconds(3));

        AdvanceSeconds(clock, 2);
        t.Clock.ResetIdleClock();
        AdvanceSeconds(clock, 2);
        Assert.Equal(0, t.Timeouts);
        AdvanceSeconds(clock, 1);
        Assert.Equal(1, t.Timeouts);

        AdvanceSeconds(clock, 5);
        Assert.Equal(1, t.Timeouts);
        t.Clock.ResetIdleClock();
        AdvanceSeconds(clock, 3);
        Assert.Equal(2, t.Timeouts);
    }

    [Fact]
    public void UntrackIsIdempotentAndIgnoresAnotherMonitorsClock()
    {
        var clock = new FakeTimeProvider();
        using var monitor = new ConnectionIdleMonitor(clock, TimeSpan.FromSeconds(1));
        using var other = new ConnectionIdleMonitor(clock, TimeSpan.FromSeconds(1));
        Tracked a = Track(monitor, TimeSpan.FromSeconds(1));
        Tracked b = Track(monitor, TimeSpan.FromSeconds(1));
        Tracked c = Track(other, TimeSpan.FromSeconds(1));

        monitor.Untrack(a.Clock);
        monitor.Untrack(a.Clock);
        monitor.Untrack(c.Clock);
        other.Untrack(b.Clock);
        Assert.Equal(1, monitor.Count);
        Assert.Equal(1, other.Count);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((0, 1, 1), (a.Timeouts, b.Timeouts, c.Timeouts));
    }

    [Fact]
    public void TrackRequiresByteCountsAndSetsTheFeature()
    {
        using var monitor = new ConnectionIdleMonitor(new FakeTimeProvider(), TimeSpan.FromSeconds(1));
        var bare = new DefaultConnectionContext("bare");
        Assert.Equal("connection", Assert.Throws<ArgumentException>(() => monitor.Track(bare, null)).ParamName);
        Assert.Equal(0, monitor.Count);

        Tracked t = Track(monitor, TimeSpan.FromSeconds(2));
        Assert.Same(t.Clock, t.Connection.Features.Get<IConnectionIdleTimeoutFeature>());
        Assert.Equal(TimeSpan.FromSeconds(2), t.Clock.IdleTimeout);
    }

    private static Tracked[] TrackMany(ConnectionIdleMonitor monitor, int count, TimeSpan? idleTimeout) =>
        Enumerable.Range(0, count).Select(_ => Track(monitor, idleTimeout)).ToArray();

    private static Tracked Track(ConnectionIdleMonitor monitor, TimeSpan? idleTimeout)
    {
        var connection = new DefaultConnectionContext(Guid.NewGuid().ToString("N"));
        var bytes = new FakeBytes();
        connection.Features.Set<IConnectionBytesFeature>(bytes);
        var tracked = new Tracked(connection, bytes, monitor.Track(connection, idleTimeout));
        tracked.Clock.TimedOut = _ => Interlocked.Increment(ref tracked.Timeouts);
        return tracked;
    }

    private static void AdvanceSeconds(FakeTimeProvider clock, int seconds)
    {
        for (int i = 0; i < seconds; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private sealed class Tracked(DefaultConnectionContext connection, FakeBytes bytes, IConnectionIdleTimeoutFeature clock)
    {
        public int Timeouts;

        public DefaultConnectionContext Connection { get; } = connection;

        public FakeBytes Bytes { get; } = bytes;

        public IConnectionIdleTimeoutFeature Clock { get; } = clock;
    }

    /// <summary>Byte counts a test sets, and how often the heartbeat read them (once per visit).</summary>
    private sealed class FakeBytes : IConnectionBytesFeature
    {
        public long Read;
        public int Reads;

        public long BytesRead
        {
            get
            {
                Reads++;
                return Read;
            }
        }

        public long BytesWritten => 0;
    }

    /// <summary>A fake clock whose heartbeat timer fires only when the test says, even while it is already firing.</summary>
    private sealed class ManualHeartbeat : FakeTimeProvider
    {
        private TimerCallback? _callback;
        private object? _state;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _callback = callback;
            _state = state;
            return base.CreateTimer(static _ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public void Beat()
        {
            Advance(TimeSpan.FromSeconds(1));
            _callback!(_state);
        }
    }
}
