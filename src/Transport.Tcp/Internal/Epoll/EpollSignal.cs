using System.Threading.Tasks.Sources;

namespace PipeNet.Transport.Tcp.Internal.Epoll;

/// <summary>
/// One direction's readiness edges (edge-triggered epoll): a sequence the loop bumps on every edge, and one
/// reusable awaiter for the pump that found the socket drained. Awaiting allocates nothing.
/// </summary>
/// <remarks>
/// A pump reads <see cref="Sequence"/> before its syscall; when the syscall finds nothing to do it waits for
/// the sequence to move past that value, so an edge that arrived during the syscall is never lost. After a
/// hang-up or error edge the signal stays set: the pump then reads until the socket reports the end itself.
/// </remarks>
internal sealed class EpollSignal : IValueTaskSource<bool>
{
    private ManualResetValueTaskSourceCore<bool> _core;
    private int _sequence;
    private int _waiting;
    private volatile bool _sticky;
    private volatile bool _closed;

    public int Sequence => Volatile.Read(ref _sequence);

    /// <summary>Whether a hang-up or error edge was seen.</summary>
    public bool IsSticky => _sticky;

    /// <summary>Called by the loop for an edge. Resumes the waiting pump inline, on the loop's thread.</summary>
    /// <param name="sticky">A hang-up or error: every later wait completes at once.</param>
    public void Signal(bool sticky)
    {
        if (sticky)
        {
            _sticky = true;
        }

        Interlocked.Increment(ref _sequence);
        Wake();
    }

    /// <summary>The socket is closed: the waiting pump (and every later wait) gets <c>false</c>, on the thread pool.</summary>
    public void Close()
    {
        _closed = true;
        _core.RunContinuationsAsynchronously = true;
        Interlocked.Increment(ref _sequence);
        Wake();
    }

    /// <summary>Completes when an edge arrived after <paramref name="seen"/> was read: <c>true</c>, or <c>false</c> once closed.</summary>
    public ValueTask<bool> WaitAsync(int seen)
    {
        if (_sticky || Volatile.Read(ref _sequence) != seen)
        {
            return new ValueTask<bool>(!_closed);
        }

        _core.Reset();
        Interlocked.Exchange(ref _waiting, 1);

        // Published first, checked after: either the loop sees the waiter, or this sees the loop's edge.
        if ((_sticky || Volatile.Read(ref _sequence) != seen) && Interlocked.Exchange(ref _waiting, 0) != 0)
        {
            return new ValueTask<bool>(!_closed);
        }

        return new ValueTask<bool>(this, _core.Version);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Wake()
    {
        if (Volatile.Read(ref _waiting) != 0 && Interlocked.Exchange(ref _waiting, 0) != 0)
        {
            _core.SetResult(!_closed);
        }
    }
}
