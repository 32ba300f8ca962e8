using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// A TCP or Unix stream socket as a <see cref="ConnectionContext"/>: what both engines share (features, lifetime
/// tokens, close reason, byte counts, send progress, socket options and the one close of the socket). How bytes
/// move is the engine's: <see cref="PipeSocketConnection"/> (two pipes and two pumps over a .NET
/// <see cref="Socket"/>) or <see cref="EpollConnection"/> (the connection is its own reader and writer).
/// </summary>
/// <remarks>
/// Each direction ends on its own: the application completing Output sends FIN and leaves Input readable; the
/// peer's FIN completes Input and leaves Output writable. The socket closes when both directions are done, or at
/// once on <see cref="Abort"/> (RST).
/// </remarks>
internal abstract partial class SocketConnection : ConnectionContext,
    IConnectionBytesFeature, ISocketOptionsFeature, IConnectionLifetimeFeature,
    IConnectionLifetimeNotificationFeature, IConnectionEndPointFeature, IConnectionIdFeature,
    IConnectionTransportFeature, IConnectionItemsFeature, IConnectionSendProgressFeature, IConnectionCloseReasonFeature
{
    private static long s_lastId;

    // Both token sources are made when someone first asks for the token (most connections never do); once the
    // event has happened the field holds the shared, already cancelled source instead.
    private static readonly CancellationTokenSource s_cancelled = CreateCancelled();

    // Exactly one of the two: the portable engine's Socket, or the epoll engine's bare descriptor.
    private readonly Socket? _socket;
    private readonly SocketDescriptor? _handle;
    private readonly AddressFamily _addressFamily;
    private EndPoint? _remoteEndPoint;
    private long _packedRemote;
    private CancellationTokenSource? _connectionClosed;
    private CancellationTokenSource? _closeRequested;
    private protected Rarely? _rarely;
    private long _bytesRead;
    private long _bytesWritten;
    private ConnectionCloseReason _closeReason;
    private bool _socketDisposed;
    private volatile bool _aborted;
    private volatile bool _receiveEnded;

    /// <summary>A connection over a .NET <see cref="Socket"/> (portable engine).</summary>
    protected SocketConnection(Socket socket, ILogger logger)
        : this(socket.AddressFamily, socket.LocalEndPoint, socket.RemoteEndPoint, packedRemote: 0, logger)
    {
        _socket = socket;
    }

    /// <summary>
    /// A connection over a bare descriptor (epoll engine; no <see cref="Socket"/> object). An IPv4 peer may come
    /// packed (<paramref name="packedRemote"/>, see <see cref="LinuxInterop.PackIPv4"/>) instead of as an object.
    /// </summary>
    protected SocketConnection(SocketDescriptor handle, AddressFamily addressFamily, EndPoint? localEndPoint, EndPoint? remoteEndPoint, long packedRemote, ILogger logger)
        : this(addressFamily, localEndPoint, remoteEndPoint, packedRemote, logger)
    {
        _handle = handle;
    }

    private SocketConnection(AddressFamily addressFamily, EndPoint? localEndPoint, EndPoint? remoteEndPoint, long packedRemote, ILogger logger)
    {
        _addressFamily = addressFamily;
        Logger = logger;
        LocalEndPoint = localEndPoint;
        _remoteEndPoint = remoteEndPoint;
        _packedRemote = packedRemote;
    }

    // Numbered and formatted when first asked for (unique, in the order of asking): most connections never log.
    public override string ConnectionId
    {
        get => Extras.Id ??= "pn-" + Interlocked.Increment(ref s_lastId).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        set => Extras.Id = value;
    }

    public override IFeatureCollection Features => this;

    public override IDictionary<object, object?> Items
    {
        get => Extras.Items ??= new Dictionary<object, object?>();
        set => Extras.Items = value;
    }

    public override EndPoint? LocalEndPoint { get; set; }

    // Made from the packed address when first asked for: most servers never ask.
    public override EndPoint? RemoteEndPoint
    {
        get => _remoteEndPoint ??= _packedRemote != 0 ? LinuxInterop.UnpackIPv4(_packedRemote) : null;
        set => (_remoteEndPoint, _packedRemote) = (value, 0);
    }

    public override CancellationToken ConnectionClosed
    {
        get => TokenOf(ref _connectionClosed);
        set => throw new NotSupportedException("The transport owns the ConnectionClosed token.");
    }

    public CancellationToken ConnectionClosedRequested
    {
        get => TokenOf(ref _closeRequested);
        set => throw new NotSupportedException("The transport owns the ConnectionClosedRequested token.");
    }

    public long BytesRead => Volatile.Read(ref _bytesRead);

    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    public ConnectionCloseReason CloseReason
    {
        get
        {
            lock (Lock)
            {
                return _closeReason;
            }
        }
    }

    public Exception? CloseError
    {
        get
        {
            lock (Lock)
            {
                return _rarely?.CloseError;
            }
        }
    }

    /// <summary>
    /// Guards the close of the socket, the close reason and the send-progress waiters (and the epoll writer's buffers).
    /// It is the socket object (or descriptor) itself, which nothing outside the transport can reach: a lock object of
    /// its own would cost 40 bytes per connection, and the two threads that take it (the application's and the loop's)
    /// rarely meet.
    /// </summary>
    protected object Lock => (object?)_socket ?? _handle!;

    protected ILogger Logger { get; }

    /// <summary>What few connections use, made on first use so the others do not carry the fields.</summary>
    private protected Rarely Extras => _rarely ?? Interlocked.CompareExchange(ref _rarely, new Rarely(), null) ?? _rarely;

    /// <summary>The portable engine's socket.</summary>
    protected Socket Socket => _socket!;

    /// <summary>The epoll engine's descriptor.</summary>
    protected SocketDescriptor Handle => _handle!;

    /// <summary>Set once the receive side has ended (FIN, error, or the application stopped reading).</summary>
    protected bool ReceiveEnded
    {
        get => _receiveEnded;
        set => _receiveEnded = value;
    }

    /// <summary>Starts moving bytes. Called once, by the listener or connector that created the connection.</summary>
    public abstract void Start();

    public void RequestClose() => Signal(ref _closeRequested, onThreadPool: false);

    public bool TrySetCloseReason(ConnectionCloseReason reason, Exception? error = null)
    {
        lock (Lock)
        {
            if (reason == ConnectionCloseReason.None || _closeReason != ConnectionCloseReason.None)
            {
                return false;
            }

            _closeReason = reason;
            if (error is not null)
            {
                Extras.CloseError = error;
            }
            return true;
        }
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        TrySetCloseReason(ConnectionCloseReason.Aborted, abortReason);
        _aborted = true;

        // Linger 0 turns the close into an RST, so the peer learns at once that its data was discarded.
        Shutdown(abortReason, reset: true);
    }

    /// <summary>After the socket was closed (by anyone, once): wake what waits on it.</summary>
    protected abstract void OnSocketClosed();

    /// <summary>Both directions are done: close, and tell whoever watches <see cref="ConnectionClosed"/>.</summary>
    protected void Finish()
    {
        Shutdown(null, reset: false);

        // ConnectionClosed callbacks are user code: never run them on the I/O loop.
        Signal(ref _connectionClosed, onThreadPool: true);
    }

    protected void AddBytesRead(int bytes) => Volatile.Write(ref _bytesRead, _bytesRead + bytes);

    private static CancellationTokenSource CreateCancelled()
    {
        var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        return cancelled;
    }

    private static CancellationToken TokenOf(ref CancellationTokenSource? source)
    {
        if (Volatile.Read(ref source) is { } existing)
        {
            return existing.Token;
        }

        var created = new CancellationTokenSource();
        return (Interlocked.CompareExchange(ref source, created, null) ?? created).Token;
    }

    /// <summary>Cancels the token handed out so far, if any; tokens asked for later are born cancelled.</summary>
    private static void Signal(ref CancellationTokenSource? source, bool onThreadPool)
    {
        CancellationTokenSource? taken = Interlocked.Exchange(ref source, s_cancelled);
        if (taken is null || taken == s_cancelled)
        {
            return;
        }

        if (onThreadPool)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static cts => cts.Cancel(), taken, preferLocal: false);
        }
        else
        {
            taken.Cancel();
        }
    }

    /// <summary>Closes the socket once. With <paramref name="reset"/> the close sends RST instead of FIN.</summary>
    protected void Shutdown(Exception? reason, bool reset)
    {
        lock (Lock)
        {
            if (_socketDisposed)
            {
                return;
            }

            _socketDisposed = true;
            if (reason is not null)
            {
                Extras.ShutdownReason = reason;
            }
            if (reset)
            {
                // Best effort: the peer may already be gone; the close below still releases the socket.
                if (_socket is not null)
                {
                    try
                    {
                        _socket.LingerState = new LingerOption(true, 0);
                    }
                    catch (SocketException)
                    {
                    }
                }
                else
                {
                    LinuxInterop.SetResetOnClose(_handle!);
                }
            }

            // No shutdown(SHUT_RDWR) first: the send side already sent FIN when it could, closing sends it
            // otherwise, and closing also ends a receive still pending on this socket. One syscall saved.
            if (_socket is not null)
            {
                _socket.Dispose();
            }
            else
            {
                _handle!.Dispose();
            }
        }

        OnSocketClosed();
    }

    /// <summary>The application finished writing: FIN, the input staying readable (half-close).</summary>
    protected void ShutdownSend()
    {
        lock (Lock)
        {
            if (_socketDisposed)
            {
                return;
            }

            // Best effort: the peer may have reset already; the receive side reports that.
            if (_socket is null)
            {
                LinuxInterop.ShutdownSend(_handle!);
                return;
            }

            try
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
            }
        }
    }

    /// <summary>Records the peer's FIN (a receive of 0 bytes).</summary>
    protected void PeerClosed()
    {
        TrySetCloseReason(ConnectionCloseReason.PeerClosed);
        if (Logger.IsEnabled(LogLevel.Debug))
        {
            // Guarded: the id is formatted on demand.
            TcpLog.PeerClosed(Logger, ConnectionId);
        }
    }

    /// <summary>What a receive failure means: the recorded reason if we closed the socket ourselves, else the failure, after which the socket is closed.</summary>
    protected Exception? ReceiveError(SocketException exception)
    {
        if (exception.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown || _socketDisposed)
        {
            // We closed the socket ourselves; report why, if it was not an orderly close.
            return ClosedError();
        }

        NetException error = NetException.FromSocketException(exception, "receive");
        TrySetCloseReason(error.Code == NetErrorCode.ConnectionReset ? ConnectionCloseReason.PeerReset : ConnectionCloseReason.Error, error);
        if (Logger.IsEnabled(LogLevel.Debug))
        {
            TcpLog.ReceiveFailed(Logger, ConnectionId, error.Code, error);
        }

        // The socket is dead in both directions: closing it also stops a send that may be waiting on the peer.
        Shutdown(error, reset: false);
        return error;
    }

    /// <summary>What a send failure means: as <see cref="ReceiveError"/>, for the send side.</summary>
    protected Exception? SendError(SocketException exception)
    {
        if (exception.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted || _socketDisposed)
        {
            return ClosedError();
        }

        NetException error = NetException.FromSocketException(exception, "send");
        TrySetCloseReason(error.Code is NetErrorCode.ConnectionReset or NetErrorCode.BrokenPipe ? ConnectionCloseReason.PeerReset : ConnectionCloseReason.Error, error);
        if (Logger.IsEnabled(LogLevel.Debug))
        {
            TcpLog.SendFailed(Logger, ConnectionId, error.Code, error);
        }
        Shutdown(error, reset: false);
        return error;
    }

    /// <summary>What a side reports for an exception: a socket closed under it is the recorded reason, not an error of its own.</summary>
    protected Exception? PumpError(Exception exception) => exception is ObjectDisposedException ? ClosedError() : exception;

    /// <summary>What a side reports after the socket was closed under it: the recorded reason, or nothing for an orderly close.</summary>
    protected Exception? ClosedError() => _rarely?.ShutdownReason ?? (_aborted ? new ConnectionAbortedException("The connection was aborted.") : null);

    /// <summary>The rarely used part of a connection (see <see cref="Extras"/>).</summary>
    private protected sealed class Rarely
    {
        public string? Id;
        public IDictionary<object, object?>? Items;
        public Exception? CloseError;
        public Exception? ShutdownReason;
        public List<(long Total, TaskCompletionSource<bool> Waiter)>? ProgressWaiters;

        /// <summary>The epoll engine's registrations of a cancellable read and flush (disposed when their result is taken).</summary>
        public CancellationTokenRegistration ReadCancellation;
        public CancellationTokenRegistration FlushCancellation;

        /// <summary>The epoll writer's "everything was sent" for a close that waits for it.</summary>
        public TaskCompletionSource? SentAll;

        /// <summary>Features added after creation; guarded by itself. A null value marks a built-in feature that was removed.</summary>
        public List<KeyValuePair<Type, object?>>? AddedFeatures;
    }
}
