namespace PipeNet.Transport.Tcp.Internal;

internal abstract partial class SocketConnection
{
    private bool _sendingEnded;

    public Task<bool> WaitForBytesWrittenAsync(long totalBytes)
    {
        if (BytesWritten >= totalBytes)
        {
            return Task.FromResult(true);
        }

        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Lock)
        {
            (Extras.ProgressWaiters ??= []).Add((totalBytes, waiter));
        }

        // Registered first, checked after: either the send side sees the waiter, or this sees its bytes
        // (the send side publishes them with a full fence before looking for waiters).
        ReportSendProgress(ended: Volatile.Read(ref _sendingEnded));
        return waiter.Task;
    }

    /// <summary>Counts <paramref name="sent"/> bytes handed to the kernel and completes the progress waiters they satisfy.</summary>
    protected void AddBytesWritten(int sent)
    {
        Interlocked.Add(ref _bytesWritten, sent);
        if (_rarely?.ProgressWaiters is { Count: > 0 })
        {
            ReportSendProgress(ended: false);
        }
    }

    /// <summary>Completes the progress waiters the bytes sent so far satisfy (all of them once sending ended).</summary>
    protected void ReportSendProgress(bool ended)
    {
        lock (Lock)
        {
            if (ended)
            {
                Volatile.Write(ref _sendingEnded, true);
            }

            if (_rarely?.ProgressWaiters is not { Count: > 0 } waiters)
            {
                return;
            }

            long sent = BytesWritten;
            for (int i = waiters.Count - 1; i >= 0; i--)
            {
                if (waiters[i].Total <= sent || _sendingEnded)
                {
                    waiters[i].Waiter.TrySetResult(waiters[i].Total <= sent);
                    waiters.RemoveAt(i);
                }
            }
        }
    }
}
