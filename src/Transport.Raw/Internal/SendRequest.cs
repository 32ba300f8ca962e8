using System.Net;

namespace PipeNet.Transport.Raw.Internal;

/// <summary>
/// One queued datagram: what to send, where, and who hears about the result — the <c>afterSend</c> callback of
/// <c>Send</c> or the task of <c>SendAsync</c>.
/// </summary>
internal sealed class SendRequest
{
    private const int Pending = 0;
    private const int Started = 1;
    private const int Done = 2;

    private readonly Lock _lock = new();
    private int _state;
    private TaskCompletionSource<int>? _completion;
    private Exception? _error;
    private int _bytesSent;
    private CancellationTokenRegistration _cancellation;

    public SendRequest(Memory<byte> buffer, IPAddress address, Action? beforeSend, Action<Exception?, int>? afterSend, bool isAsync)
    {
        Buffer = buffer;
        Address = address;
        BeforeSend = beforeSend;
        AfterSend = afterSend;
        IsAsync = isAsync;
    }

    public Memory<byte> Buffer { get; }

    public IPAddress Address { get; }

    public Action? BeforeSend { get; }

    public Action<Exception?, int>? AfterSend { get; }

    /// <summary>Whether a task (<c>SendAsync</c>) rather than a callback reports the result.</summary>
    public bool IsAsync { get; }

    /// <summary>Lets <paramref name="cancellationToken"/> withdraw the request while it is still queued.</summary>
    public void RegisterCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) => ((SendRequest)state!).TryCancel(token), this);
        }
    }

    /// <summary>Claims the request for sending; <c>false</c> when it was cancelled while queued.</summary>
    public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Pending) == Pending;

    /// <summary>Records the result and completes the task, if one was asked for.</summary>
    public void Complete(Exception? error, int bytesSent)
    {
        _cancellation.Dispose();
        TaskCompletionSource<int>? completion;
        lock (_lock)
        {
            _error = error;
            _bytesSent = bytesSent;
            Volatile.Write(ref _state, Done);
            completion = _completion;
        }

        if (completion is null)
        {
            return;
        }

        if (error is null)
        {
            completion.TrySetResult(bytesSent);
        }
        else
        {
            completion.TrySetException(error);
        }
    }

    /// <summary>The result as a task: already completed (allocating nothing) when the send is done.</summary>
    public ValueTask<int> AsValueTask()
    {
        lock (_lock)
        {
            if (_state == Done)
            {
                return _error is null ? new ValueTask<int>(_bytesSent) : ValueTask.FromException<int>(_error);
            }

            _completion ??= new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            return new ValueTask<int>(_completion.Task);
        }
    }

    private void TryCancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Started, Pending) == Pending)
        {
            Complete(new OperationCanceledException(token), 0);
        }
    }
}
