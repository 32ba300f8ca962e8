using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>Turns connected sockets into started <see cref="SocketConnection"/>s, spreading them over the I/O loops.</summary>
internal sealed class SocketConnectionFactory : IDisposable
{
    private readonly TcpTransportOptions _options;
    private readonly ILogger _logger;
    private readonly MemoryPool<byte> _memoryPool = new PinnedBlockMemoryPool();
    private readonly IOLoop[] _ioLoops;
    private int _nextQueue;

    public SocketConnectionFactory(TcpTransportOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        // The socket side of each pipe runs on the connection's I/O loop; the application side runs
        // inline on that loop (no thread hop) unless the owner asked for the thread pool.
        PipeScheduler application = options.DispatchToThreadPool ? PipeScheduler.ThreadPool : PipeScheduler.Inline;
        long maxRead = options.MaxReadBufferSize ?? 0;
        long maxWrite = options.MaxWriteBufferSize ?? 0;
        _ioLoops = new IOLoop[options.IOQueueCount];
        for (int i = 0; i < _ioLoops.Length; i++)
        {
            var queue = new IOQueue();
            _ioLoops[i] = new IOLoop(
                queue,
                new PipeOptions(_memoryPool, application, queue, maxRead, maxRead / 2, useSynchronizationContext: false),
                new PipeOptions(_memoryPool, queue, application, maxWrite, maxWrite / 2, useSynchronizationContext: false),
                new SocketSenderPool(queue));
        }
    }

    public SocketConnection Create(Socket socket)
    {
        if (_options.NoDelay && socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            socket.NoDelay = true;
        }

        IOLoop loop = _ioLoops[(int)((uint)Interlocked.Increment(ref _nextQueue) % (uint)_ioLoops.Length)];
        var connection = new SocketConnection(socket, loop, _options.WaitForDataBeforeAllocatingBuffer, _logger);
        connection.Start();
        return connection;
    }

    // Blocks still held by open connections are dropped by the pool when they come back.
    public void Dispose()
    {
        _memoryPool.Dispose();
        foreach (IOLoop loop in _ioLoops)
        {
            loop.Senders.Dispose();
        }
    }
}
