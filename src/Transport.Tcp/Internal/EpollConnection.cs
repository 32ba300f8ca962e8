using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// The epoll engine's connection: no pipes and no pumps. The connection is its own <see cref="IDuplexPipe"/>; its
/// reader receives when the application reads and its writer sends when the application flushes, with
/// non-blocking syscalls on the caller's thread. Only when the socket has nothing to give (or no room to take)
/// does the call wait, and the loop's next edge finishes it inline on the loop's thread.
/// </summary>
/// <remarks>
/// An idle connection therefore holds no buffer, no pipe and no state machine of its own: it is this object, its
/// reader and writer, and its descriptor. Bytes stay in the kernel until the application asks for them, so a
/// slow reader is held back by TCP flow control, and <see cref="TcpTransportOptions.MaxReadBufferSize"/> bounds
/// only what the application leaves unconsumed. Edges that arrive while nobody waits are counted, so the next
/// read or flush knows whether a syscall can succeed.
/// </remarks>
internal sealed partial class EpollConnection : SocketConnection, IDuplexPipe, IEpollHandler
{
    private readonly IOLoop _ioLoop;
    private readonly Reader _reader;
    private readonly Writer _writer;
    private int _openDirections = 2;

    /// <summary>
    /// A connection over <paramref name="handle"/>. When a connect already registered the descriptor, its registration
    /// becomes the connection's (<see cref="Adopt"/>) before <see cref="Start"/>.
    /// </summary>
    public EpollConnection(SocketDescriptor handle, AddressFamily addressFamily, EndPoint? localEndPoint, EndPoint? remoteEndPoint, long packedRemote, IOLoop loop, ILogger logger)
        : base(handle, addressFamily, localEndPoint, remoteEndPoint, packedRemote, logger)
    {
        _ioLoop = loop;
        bool toThreadPool = loop.InputOptions.ReaderScheduler == PipeScheduler.ThreadPool;
        _reader = new Reader(this, toThreadPool);
        _writer = new Writer(this, toThreadPool);
        Transport = this;
    }

    public override IDuplexPipe Transport { get; set; }

    public PipeReader Input => _reader;

    public PipeWriter Output => _writer;

    public ulong Token { get; set; }

    private EpollLoop Loop => _ioLoop.Epoll!;

    private PinnedBlockMemoryPool Pool => (PinnedBlockMemoryPool)_ioLoop.InputOptions.Pool;

    /// <summary>
    /// Takes over a connect's registration. The peer's FIN or a hang-up may already have come to it, and no edge
    /// will repeat it: carried over, so the reader receives until recv reports it.
    /// </summary>
    public void Adopt(EpollSocket connect)
    {
        Loop.Transfer(connect, this);
        if (connect.Readable.IsSticky)
        {
            _reader.OnReadable(sticky: true);
        }
    }

    public override void Start()
    {
        // Both sides start out trying their syscalls, so edges before this point (data that came with the
        // connection) need not be seen.
        if (Token != 0)
        {
            return; // A connect's registration, transferred.
        }

        SocketError registered = Loop.Register(this, Handle);
        if (registered != SocketError.Success)
        {
            Abort(new ConnectionAbortedException("The epoll engine could not watch the socket.", new SocketException((int)registered)));
        }
    }

    public void OnEvents(uint flags)
    {
        bool failed = (flags & (LinuxInterop.EpollErr | LinuxInterop.EpollHup)) != 0;
        if ((flags & (LinuxInterop.EpollIn | LinuxInterop.EpollRdHup)) != 0 || failed)
        {
            // After the peer's FIN (RDHUP) or a hang-up no further edge is due: read on until recv reports it.
            _reader.OnReadable(sticky: failed || (flags & LinuxInterop.EpollRdHup) != 0);
        }

        if ((flags & LinuxInterop.EpollOut) != 0 || failed)
        {
            _writer.OnWritable();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        // The application is done with both directions: what it wrote goes out first (then FIN), then the
        // socket closes.
        TrySetCloseReason(ConnectionCloseReason.LocalClose);
        _reader.Complete();
        _writer.Complete();
        await _writer.SentAllAsync().ConfigureAwait(false);
        Shutdown(null, reset: false);

        // The two token sources are not disposed: they own no timer, and ConnectionClosed is
        // cancelled on the thread pool, possibly after this returns.
    }

    protected override void OnSocketClosed()
    {
        // A closed descriptor raises no epoll event: wake a waiting read or flush ourselves.
        _reader.OnClosed();
        _writer.OnClosed();
    }

    /// <summary>One direction is done; after both, the socket closes and its slot is freed.</summary>
    private void DirectionEnded()
    {
        if (Interlocked.Decrement(ref _openDirections) == 0)
        {
            _reader.DiscardUnread();
            Finish();
            Loop.Unregister(this);
        }
    }
}
