using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// A TCP or Unix stream socket as a <see cref="ConnectionContext"/>: two pipes and two pumps.
/// </summary>
/// <remarks>
/// <code>
///  socket ──receive loop──▶ input pipe ──▶ Transport.Input  (application reads)
///  socket ◀──send loop──── output pipe ◀── Transport.Output (application writes)
/// </code>
/// Each direction ends on its own: the application completing Output sends FIN and leaves Input
/// readable; the peer's FIN completes Input and leaves Output writable. The socket closes when both
/// directions are done, or at once on <see cref="Abort"/> (RST).
/// </remarks>
internal sealed partial class SocketConnection : ConnectionContext,
    IConnectionBytesFeature, ISocketOptionsFeature, IConnectionLifetimeFeature,
    IConnectionLifetimeNotificationFeature, IConnectionEndPointFeature, IConnectionIdFeature,
    IConnectionTransportFeature, IConnectionItemsFeature, IConnectionSendProgressFeature
{
    private static long s_lastId;

    // Exactly one of the two: the portable engine's Socket, or the epoll engine's bare descriptor.
    private readonly Socket? _socket;
    private readonly SocketDescriptor? _handle;
    private readonly AddressFamily _addressFamily;
    private readonly ILogger _logger;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly SocketReceiver? _receiver;
    private readonly SocketSenderPool _senders;
    private readonly EpollSocket? _epoll;
    private readonly bool _waitForData;
    private readonly CloseReasonFeature _closeReason = new();
    // Both token sources are made when someone first asks for the token (most connections never do); once the
    // event has happened the field holds the shared, already cancelled source instead.
    private static readonly CancellationTokenSource s_cancelled = CreateCancelled();
    private CancellationTokenSource? _connectionClosed;
    private CancellationTokenSource? _closeRequested;
    private readonly Lock _shutdownLock = new();
    private IDictionary<object, object?>? _items;
    private Task _processing = Task.CompletedTask;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _sendLoop = Task.CompletedTask;
    private long _bytesRead;
    private long _bytesWritten;
    private bool _socketDisposed;
    private volatile bool _aborted;
    private volatile bool _receiveEnded;
    private Exception? _shutdownReason;

    /// <summary>A connection of the portable engine, over a .NET <see cref="Socket"/>.</summary>
    public SocketConnection(Socket socket, IOLoop loop, bool waitForData, ILogger logger)
        : this(socket.AddressFamily, loop, logger)
    {
        _socket = socket;
        _waitForData = waitForData;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        _receiver = new SocketReceiver(loop.Scheduler);
    }

    /// <summary>
    /// A connection of the epoll engine, over a bare descriptor (no <see cref="Socket"/> object). Pass the
    /// socket's epoll registration as <c>registered</c> when a connect already made it.
    /// </summary>
    public SocketConnection(SocketDescriptor handle, AddressFamily addressFamily, EndPoint? localEndPoint, EndPoint? remoteEndPoint, IOLoop loop, EpollSocket? registered, ILogger logger)
        : this(addressFamily, loop, logger)
    {
        _handle = handle;
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        _epoll = registered ?? new EpollSocket(loop.Epoll!, handle);
    }

    private SocketConnection(AddressFamily addressFamily, IOLoop loop, ILogger logger)
    {
        _addressFamily = addressFamily;
        _logger = logger;
        ConnectionId = "pn-" + Interlocked.Increment(ref s_lastId).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        _input = new Pipe(loop.InputOptions);
        _output = new Pipe(loop.OutputOptions);
        _senders = loop.Senders;
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features => this;

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    public override IDuplexPipe Transport { get; set; }

    public override EndPoint? LocalEndPoint { get; set; }

    public override EndPoint? RemoteEndPoint { get; set; }

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

    /// <summary>Starts both pumps. Called once, by the listener or connector that created the connection.</summary>
    public void Start() => _processing = RunAsync();

    public void RequestClose() => Signal(ref _closeRequested, onThreadPool: false);

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _closeReason.TrySetCloseReason(ConnectionCloseReason.Aborted, abortReason);
        _aborted = true;

        // Linger 0 turns the close into an RST, so the peer learns at once that its data was discarded.
        Shutdown(abortReason, reset: true);

        // Wake the send loop if it is waiting for application data; it then sees the socket is gone.
        _output.Reader.CancelPendingRead();
    }

    public override async ValueTask DisposeAsync()
    {
        // The application is done with both directions: flush what it wrote (the send loop then sends
        // FIN), then close, which also ends a receive still waiting for the peer.
        _closeReason.TrySetCloseReason(ConnectionCloseReason.LocalClose);
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _sendLoop.ConfigureAwait(false);
        Shutdown(null, reset: false);
        await _processing.ConfigureAwait(false);

        // The two token sources are not disposed: they own no timer, and ConnectionClosed is
        // cancelled on the thread pool, possibly after this returns.
    }

    private async Task RunAsync()
    {
        if (_epoll is null)
        {
            _receiveLoop = ReceiveLoopAsync();
            _sendLoop = SendLoopAsync();
        }
        else
        {
            // Both pumps wait for their first edge before the socket is registered: data already queued
            // is reported by the registration itself.
            _receiveLoop = EpollReceiveLoopAsync(_epoll);
            _sendLoop = EpollSendLoopAsync(_epoll);
            SocketError registered = _epoll.IsRegistered ? SocketError.Success : _epoll.Register();
            if (registered != SocketError.Success)
            {
                Abort(new ConnectionAbortedException("The epoll engine could not watch the socket.", new SocketException((int)registered)));
            }
        }

        await _sendLoop.ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(false);

        Shutdown(null, reset: false);
        _receiver?.Dispose();
        _epoll?.Unregister();

        // ConnectionClosed callbacks are user code: never run them on the I/O loop.
        Signal(ref _connectionClosed, onThreadPool: true);
    }

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
    private void Shutdown(Exception? reason, bool reset)
    {
        lock (_shutdownLock)
        {
            if (_socketDisposed)
            {
                return;
            }

            _socketDisposed = true;
            _shutdownReason = reason;
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

            // No shutdown(SHUT_RDWR) first: the send loop already sent FIN when it could, closing sends it
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

        // A closed descriptor raises no epoll event: wake the epoll pumps ourselves.
        _epoll?.Close();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
