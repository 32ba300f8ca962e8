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
    private readonly PipeScheduler[] _ioQueues;
    private int _nextQueue;

    public SocketConnectionFactory(TcpTransportOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _ioQueues = new PipeScheduler[options.IOQueueCount];
        for (int i = 0; i < _ioQueues.Length; i++)
        {
            _ioQueues[i] = new IOQueue();
        }
    }

    public SocketConnection Create(Socket socket)
    {
        if (_options.NoDelay && socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            socket.NoDelay = true;
        }

        PipeScheduler queue = _ioQueues[(int)((uint)Interlocked.Increment(ref _nextQueue) % (uint)_ioQueues.Length)];
        var connection = new SocketConnection(socket, _memoryPool, queue, _options, _logger);
        connection.Start();
        return connection;
    }

    // Blocks still held by open connections are dropped by the pool when they come back.
    public void Dispose() => _memoryPool.Dispose();
}
