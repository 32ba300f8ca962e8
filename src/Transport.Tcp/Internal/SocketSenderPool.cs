using System.Collections.Concurrent;
using System.IO.Pipelines;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// The senders of one I/O loop. A connection rents one only while a send is in flight, so an idle connection holds
/// none (a sender with its event args and segment list is ~360 bytes). Keeps at most <see cref="MaxRetained"/>.
/// </summary>
internal sealed class SocketSenderPool(PipeScheduler scheduler) : IDisposable
{
    private const int MaxRetained = 1024;

    private readonly ConcurrentQueue<SocketSender> _senders = new();
    private int _count;
    private bool _disposed;

    public SocketSender Rent()
    {
        if (_senders.TryDequeue(out SocketSender? sender))
        {
            Interlocked.Decrement(ref _count);
            return sender;
        }

        return new SocketSender(scheduler);
    }

    /// <summary>Takes back a sender whose send has completed; its buffers must already be cleared.</summary>
    public void Return(SocketSender sender)
    {
        if (Volatile.Read(ref _disposed) || Interlocked.Increment(ref _count) > MaxRetained)
        {
            Interlocked.Decrement(ref _count);
            sender.Dispose();
            return;
        }

        _senders.Enqueue(sender);
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_senders.TryDequeue(out SocketSender? sender))
        {
            sender.Dispose();
        }
    }
}
