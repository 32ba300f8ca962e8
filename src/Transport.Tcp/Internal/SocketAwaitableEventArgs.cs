using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// A reusable <see cref="SocketAsyncEventArgs"/> awaited as a <see cref="ValueTask{TResult}"/>: one per
/// direction per connection, so a receive or send allocates nothing. A completion that arrives on a thread-pool
/// thread (where .NET's socket engine normally dispatches them) runs its continuation right there: queueing it
/// again would cost a second thread-pool hop, and measured 4x the sched_yield calls per echoed message. One that
/// arrives on the engine's own thread (inline completions) is handed to the connection's I/O loop instead, so
/// application code never runs on the epoll thread.
/// </summary>
internal class SocketAwaitableEventArgs : SocketAsyncEventArgs, IValueTaskSource<SocketOperationResult>
{
    private static readonly Action<object?> s_completedSentinel = static _ => { };

    private readonly PipeScheduler _ioScheduler;
    private Action<object?>? _continuation;
    private object? _continuationState;

    public SocketAwaitableEventArgs(PipeScheduler ioScheduler)
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        _ioScheduler = ioScheduler;
    }

    protected ValueTask<SocketOperationResult> Complete(bool pending)
    {
        if (pending)
        {
            return new ValueTask<SocketOperationResult>(this, 0);
        }

        // Completed synchronously: no continuation was registered, report the result directly.
        return new ValueTask<SocketOperationResult>(CurrentResult());
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        Action<object?>? continuation = _continuation;
        if (continuation is not null || (continuation = Interlocked.CompareExchange(ref _continuation, s_completedSentinel, null)) is not null)
        {
            object? state = _continuationState;
            _continuationState = null;
            _continuation = s_completedSentinel;
            if (Thread.CurrentThread.IsThreadPoolThread)
            {
                continuation(state);
            }
            else
            {
                _ioScheduler.Schedule(continuation, state);
            }
        }
    }

    public SocketOperationResult GetResult(short token)
    {
        _continuation = null;
        return CurrentResult();
    }

    public ValueTaskSourceStatus GetStatus(short token)
    {
        if (!ReferenceEquals(Volatile.Read(ref _continuation), s_completedSentinel))
        {
            return ValueTaskSourceStatus.Pending;
        }

        return SocketError == SocketError.Success ? ValueTaskSourceStatus.Succeeded : ValueTaskSourceStatus.Faulted;
    }

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        _continuationState = state;
        Action<object?>? previous = Interlocked.CompareExchange(ref _continuation, continuation, null);
        if (ReferenceEquals(previous, s_completedSentinel))
        {
            // The operation finished between the pending check and this registration.
            _continuationState = null;
            _ioScheduler.Schedule(continuation, state);
        }
    }

    private SocketOperationResult CurrentResult() => SocketError == SocketError.Success
        ? new SocketOperationResult(BytesTransferred)
        : new SocketOperationResult(new SocketException((int)SocketError));
}
