using System.Collections.Concurrent;
using System.IO.Pipelines;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// One I/O loop: a <see cref="PipeScheduler"/> that runs its work items one after another on a
/// thread-pool thread, draining everything queued before it yields the thread. Socket completions of
/// the connections assigned to this loop run here, in order, never concurrently.
/// </summary>
internal sealed class IOQueue : PipeScheduler, IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<Work> _workItems = new();
    private int _doingWork;

    public override void Schedule(Action<object?> action, object? state)
    {
        _workItems.Enqueue(new Work(action, state));

        // Only the first item after the loop went idle puts the loop on the thread pool.
        if (Interlocked.CompareExchange(ref _doingWork, 1, 0) == 0)
        {
            System.Threading.ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            while (_workItems.TryDequeue(out Work item))
            {
                item.Callback(item.State);
            }

            Volatile.Write(ref _doingWork, 0);

            // An item queued after the drain but before the flag was cleared would otherwise wait for the
            // next Schedule call; take the loop back if one is there.
            if (_workItems.IsEmpty || Interlocked.CompareExchange(ref _doingWork, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private readonly record struct Work(Action<object?> Callback, object? State);
}
