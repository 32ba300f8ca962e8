using Microsoft.Extensions.Time.Testing;

namespace PipeNet.Tests;

/// <summary>
/// A fake clock that tells a test when the code under test has set a timer on it, so that advancing the clock never
/// races the timer's creation (a timer made after <see cref="FakeTimeProvider.Advance"/> counts from the advanced time).
/// </summary>
public sealed class WatchedClock : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TimeSpan, int> _created = [];
    private readonly List<(TimeSpan DueTime, int Count, TaskCompletionSource Signal)> _waiters = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_lock)
        {
            int count = _created[dueTime] = _created.GetValueOrDefault(dueTime) + 1;
            _waiters.RemoveAll(waiter => waiter.DueTime == dueTime && count >= waiter.Count && waiter.Signal.TrySetResult());
        }

        return timer;
    }

    /// <summary>How many timers due in <paramref name="dueTime"/> were set since the clock was made.</summary>
    public int TimersSet(TimeSpan dueTime)
    {
        lock (_lock)
        {
            return _created.GetValueOrDefault(dueTime);
        }
    }

    /// <summary>Waits (with the tests' timeout) until <paramref name="count"/> timers due in <paramref name="dueTime"/> were set in all.</summary>
    public Task WaitForTimersAsync(TimeSpan dueTime, int count = 1)
    {
        lock (_lock)
        {
            if (_created.GetValueOrDefault(dueTime) >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((dueTime, count, signal));
            return signal.Task.WithTimeout();
        }
    }
}
