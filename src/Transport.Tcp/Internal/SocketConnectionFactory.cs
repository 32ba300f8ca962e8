using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>Turns connected sockets into started <see cref="SocketConnection"/>s, spreading them over the I/O loops.</summary>
internal sealed class SocketConnectionFactory : IDisposable
{
    private readonly TcpTransportOptions _options;
    private readonly ILogger _logger;
    private readonly MemoryPool<byte> _memoryPool = new PinnedBlockMemoryPool();
    private readonly IOLoop[] _ioLoops;
    private int _nextQueue;

    /// <param name="options">The transport's options.</param>
    /// <param name="logger">Where connections log.</param>
    /// <param name="acceptedSockets">
    /// Whether the sockets are accepted ones, which the epoll engine may carry. Sockets connected with
    /// <c>ConnectAsync</c> are already registered with .NET's engine and stay on the portable one.
    /// </param>
    /// <exception cref="PlatformNotSupportedException">The epoll engine was asked for where it cannot run.</exception>
    public SocketConnectionFactory(TcpTransportOptions options, ILogger logger, bool acceptedSockets)
    {
        _options = options;
        _logger = logger;
        bool epoll = acceptedSockets && UseEpoll(options.Engine);
        long maxRead = options.MaxReadBufferSize ?? 0;
        long maxWrite = options.MaxWriteBufferSize ?? 0;

        // The application side of each pipe runs inline on the loop that completed the I/O (no thread hop)
        // unless the owner asked for the thread pool. The socket side runs on the connection's I/O queue
        // (portable engine), or inline (epoll engine: a flush sends at once; the loop resumes a waiting pump).
        PipeScheduler application = options.DispatchToThreadPool ? PipeScheduler.ThreadPool : PipeScheduler.Inline;
        _ioLoops = new IOLoop[options.IOQueueCount];
        for (int i = 0; i < _ioLoops.Length; i++)
        {
            PipeScheduler socketSide = epoll ? PipeScheduler.Inline : new IOQueue();
            _ioLoops[i] = new IOLoop(
                socketSide,
                new PipeOptions(_memoryPool, application, socketSide, maxRead, maxRead / 2, useSynchronizationContext: false),
                new PipeOptions(_memoryPool, socketSide, application, maxWrite, maxWrite / 2, useSynchronizationContext: false),
                new SocketSenderPool(socketSide),
                epoll ? EpollEngine.GetLoop(i) : null);
        }
    }

    /// <summary>Whether connections run on the epoll engine (made with <see cref="Create(SocketDescriptor, AddressFamily, EndPoint?, EndPoint?)"/>).</summary>
    public bool UsesEpoll => _ioLoops[0].Epoll is not null;

    /// <summary>The epoll loop a listener waits for connections on (the first).</summary>
    public EpollLoop AcceptLoop => _ioLoops[0].Epoll ?? throw new InvalidOperationException("The portable engine has no epoll loop.");

    /// <summary>A started connection of the portable engine.</summary>
    public SocketConnection Create(Socket socket)
    {
        if (_options.NoDelay && socket.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            socket.NoDelay = true;
        }

        var connection = new SocketConnection(socket, NextLoop(), _options.WaitForDataBeforeAllocatingBuffer, _logger);
        connection.Start();
        return connection;
    }

    /// <summary>A started connection of the epoll engine, over a descriptor it now owns.</summary>
    /// <exception cref="NetException">TCP_NODELAY could not be set (the peer already reset).</exception>
    public SocketConnection Create(SocketDescriptor handle, AddressFamily addressFamily, EndPoint? localEndPoint, EndPoint? remoteEndPoint)
    {
        if (_options.NoDelay && addressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            NativeSocketOptions.SetNoDelay(handle, true);
        }

        var connection = new SocketConnection(handle, addressFamily, localEndPoint, remoteEndPoint, NextLoop(), _logger);
        connection.Start();
        return connection;
    }

    private IOLoop NextLoop() => _ioLoops[(int)((uint)Interlocked.Increment(ref _nextQueue) % (uint)_ioLoops.Length)];

    private static bool UseEpoll(TransportEngine engine) => engine switch
    {
        TransportEngine.Sockets => false,
        TransportEngine.Epoll when !LinuxInterop.IsSupported =>
            throw new PlatformNotSupportedException("TcpTransportOptions.Engine: the epoll engine needs 64-bit Linux; use Auto or Sockets."),
        TransportEngine.Epoll => true,
        _ => LinuxInterop.IsSupported,
    };

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
