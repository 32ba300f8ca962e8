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
    /// <exception cref="PlatformNotSupportedException">The epoll engine was asked for where it cannot run.</exception>
    public SocketConnectionFactory(TcpTransportOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        bool epoll = UseEpoll(options.Engine);
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

    /// <summary>Whether connections run on the epoll engine (made with <see cref="Create(AcceptedSocket, AddressFamily)"/>).</summary>
    public bool UsesEpoll => _ioLoops[0].Epoll is not null;

    /// <summary>The epoll loop a listener waits for connections on (the first).</summary>
    public EpollLoop AcceptLoop => _ioLoops[0].Epoll ?? throw new InvalidOperationException("The portable engine has no epoll loop.");

    /// <summary>A started connection of the portable engine.</summary>
    public SocketConnection Create(Socket socket)
    {
        return Start(new PipeSocketConnection(socket, NextLoop(), _options.WaitForDataBeforeAllocatingBuffer, _logger));
    }

    /// <summary>A started connection of the epoll engine, over a descriptor it now owns.</summary>
    /// <exception cref="NetException">TCP_NODELAY could not be set (the peer already reset).</exception>
    public SocketConnection Create(AcceptedSocket accepted, AddressFamily addressFamily)
    {
        return Start(new EpollConnection(accepted.Handle, addressFamily, accepted.Local, accepted.Remote, accepted.PackedRemote, NextLoop(), _logger));
    }

    /// <summary>
    /// One connect attempt to <paramref name="target"/>: a started connection, or the socket closed again and the
    /// failure thrown. On the epoll engine a non-blocking connect waits for writability on the loop the connection
    /// will live on; on the portable one, <c>Socket.ConnectAsync</c>.
    /// </summary>
    /// <exception cref="SocketException">The socket, bind or connect failed (ECONNREFUSED, EADDRINUSE, ...).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask<SocketConnection> ConnectAsync(EndPoint target, IPEndPoint? localEndPoint, CancellationToken cancellationToken) =>
        UsesEpoll ? ConnectDescriptorAsync(target, localEndPoint, cancellationToken) : ConnectSocketAsync(target, localEndPoint, cancellationToken);

    private async ValueTask<SocketConnection> ConnectSocketAsync(EndPoint target, IPEndPoint? localEndPoint, CancellationToken cancellationToken)
    {
        Socket socket = target is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (localEndPoint is not null && target is IPEndPoint)
            {
                socket.Bind(localEndPoint);
            }

            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            return Create(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async ValueTask<SocketConnection> ConnectDescriptorAsync(EndPoint target, IPEndPoint? localEndPoint, CancellationToken cancellationToken)
    {
        AddressFamily family = target is UnixDomainSocketEndPoint ? AddressFamily.Unix : target.AddressFamily;
        Check(LinuxInterop.CreateStreamSocket(family, out SocketDescriptor? descriptor));
        IOLoop loop = NextLoop();
        var socket = new EpollSocket(loop.Epoll!, descriptor!);
        bool connected = false;
        try
        {
            if (localEndPoint is not null && family != AddressFamily.Unix)
            {
                Check(LinuxInterop.Bind(descriptor!, localEndPoint.Serialize()));
            }

            // Registered only once the connect has started: an unconnected socket polls as hung up, which would
            // leave both signals set for good.
            SocketError status = LinuxInterop.Connect(descriptor!, target.Serialize());
            int seen = socket.Writable.Sequence;
            if (status is SocketError.Success or SocketError.InProgress)
            {
                Check(socket.Register());
            }

            if (status == SocketError.InProgress)
            {
                // Writable means done, for better or worse: SO_ERROR says which. Cancelling wakes the wait.
                using (cancellationToken.UnsafeRegister(static state => ((EpollSignal)state!).Signal(sticky: false), socket.Writable))
                {
                    while (true)
                    {
                        await socket.Writable.WaitAsync(seen).ConfigureAwait(false);
                        cancellationToken.ThrowIfCancellationRequested();
                        seen = socket.Writable.Sequence;
                        status = LinuxInterop.GetPendingError(descriptor!);
                        if (status != SocketError.Success || IsConnected(descriptor!))
                        {
                            break;
                        }
                    }
                }
            }

            Check(status);
            EndPoint? local = LinuxInterop.GetLocalEndPoint(descriptor!, family, target);
            var created = new EpollConnection(descriptor!, family, local, target, packedRemote: 0, loop, _logger);
            created.Adopt(socket);
            SocketConnection connection = Start(created);
            connected = true;
            return connection;
        }
        finally
        {
            if (!connected)
            {
                descriptor!.Dispose();
                socket.Close();
                socket.Unregister();
            }
        }

        static void Check(SocketError status)
        {
            if (status != SocketError.Success)
            {
                throw new SocketException((int)status);
            }
        }
    }

    // A wake-up that was only the cancellation registration (or a spurious edge) finds the connect still in
    // progress: getpeername tells a finished connect from one still waiting.
    private static bool IsConnected(SocketDescriptor descriptor) => LinuxInterop.GetPeerName(descriptor);

    /// <summary>Applies the transport's TCP_NODELAY (TCP only) and starts the pumps.</summary>
    private SocketConnection Start(SocketConnection connection)
    {
        if (_options.NoDelay)
        {
            connection.NoDelay = true;
        }

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
