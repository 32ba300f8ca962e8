using System.Buffers;
using System.Text;

namespace PipeNet;

/// <summary>
/// A client connection that comes back by itself: when its <see cref="NetSocket"/> closes for any reason other than
/// <see cref="End"/> or <see cref="Destroy"/>, or an attempt fails, it waits (exponential back-off with jitter, see
/// <see cref="ReconnectOptions"/>) and connects a new one. Events: <c>connect</c> (the first connection),
/// <c>reconnect</c> (<see cref="Action{T}"/> of the attempts it took), <c>reconnecting</c> (<see cref="Action{T1, T2}"/>
/// of the attempt number and the wait before it), <c>disconnect</c> (<see cref="Action{T}"/> of the error that ended
/// the connection, <c>null</c> for an orderly end), <c>data</c>, <c>drain</c>, <c>error</c> (only when it gives up after
/// <see cref="ReconnectOptions.MaxAttempts"/>, or a handler threw), and <c>close</c> (<see cref="Action{T}"/> of
/// hadError), raised once, last.
/// </summary>
/// <remarks>
/// <para>
/// <b>Writes while disconnected</b> are kept, up to <see cref="ReconnectOptions.MaxBufferedBytes"/>, and sent first on the
/// next connection; a write past the bound is rejected (<c>Write</c> returns <c>false</c>, its callback gets
/// <c>ENOBUFS</c>). Bytes already handed to a connection that is then lost are gone with it: TCP cannot say what the
/// peer received, so a protocol that must not lose messages acknowledges them itself.
/// </para>
/// <para>
/// Register handlers before <see cref="Connect"/>. Events of one connection come from that connection's event loop, one
/// at a time; only one connection exists at a time, so events never overlap.
/// </para>
/// </remarks>
public sealed class ReconnectingSocket : EventEmitter<ReconnectingSocket>
{
    private static readonly Type[] s_plainShapes = [typeof(Action)];
    private static readonly Type[] s_reconnectShapes = [typeof(Action<int>), typeof(Action)];
    private static readonly Type[] s_reconnectingShapes = [typeof(Action<int, TimeSpan>), typeof(Action)];
    private static readonly Type[] s_disconnectShapes = [typeof(Action<Exception?>), typeof(Action)];
    private static readonly Type[] s_dataShapes = [typeof(Action<ReadOnlySequence<byte>>), typeof(Action)];
    private static readonly Type[] s_closeShapes = [typeof(Action<bool>), typeof(Action)];
    private static readonly Type[] s_errorShapes = [typeof(Action<Exception>), typeof(Action)];

    private static readonly EventSlot s_connect = DefineEvent("connect", "Action or Action<ReconnectingSocket>", s_plainShapes);
    private static readonly EventSlot s_reconnect = DefineEvent("reconnect", "Action<int> (attempts) or Action", s_reconnectShapes);
    private static readonly EventSlot s_reconnecting = DefineEvent("reconnecting", "Action<int, TimeSpan> (attempt, delay) or Action", s_reconnectingShapes);
    private static readonly EventSlot s_disconnect = DefineEvent("disconnect", "Action<Exception?> or Action", s_disconnectShapes);
    private static readonly EventSlot s_data = DefineEvent("data", "Action<ReadOnlySequence<byte>> or Action", s_dataShapes);
    private static readonly EventSlot s_drain = DefineEvent("drain", "Action or Action<ReconnectingSocket>", s_plainShapes);
    private static readonly EventSlot s_error = DefineEvent("error", "Action<Exception> or Action", s_errorShapes);
    private static readonly EventSlot s_close = DefineEvent("close", "Action<bool> (hadError) or Action", s_closeShapes);

    private readonly SocketOptions _socketOptions;
    private readonly ReconnectOptions _options;
    private readonly Lock _lock = new();
    private readonly Queue<(byte[] Data, Action<Exception?>? Callback)> _buffered = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by _lock.
    private NetSocket? _socket;          // the socket of the current attempt or connection
    private bool _socketConnected;
    private long _connectedAt;
    private bool _started;
    private bool _everConnected;
    private bool _stopped;               // End or Destroy was called, or it gave up
    private bool _closeRaised;
    private int _attempt;                // attempts of the current outage
    private long _bufferedBytes;
    private ITimer? _timer;
    private Exception? _lastError;

    /// <summary>Creates a socket that will connect to what <paramref name="options"/> names, and reconnect per <paramref name="reconnect"/>.</summary>
    /// <param name="options">Where to connect and the options of every connection (copied).</param>
    /// <param name="reconnect">The back-off and buffering policy (copied); the defaults when <c>null</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> names neither a port nor a path.</exception>
    public ReconnectingSocket(SocketOptions options, ReconnectOptions? reconnect = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Path is null && options.Port == 0)
        {
            throw new ArgumentException("The options must name a Port (1..65535) or a Path to connect to.", nameof(options));
        }

        _socketOptions = options.Clone();
        _options = reconnect?.Clone() ?? new ReconnectOptions();
    }

    /// <summary>The connection in use now, or <c>null</c> between connections.</summary>
    public NetSocket? Socket
    {
        get
        {
            lock (_lock)
            {
                return _socketConnected ? _socket : null;
            }
        }
    }

    /// <summary>Whether a connection is up now.</summary>
    public bool Connected
    {
        get
        {
            lock (_lock)
            {
                return _socketConnected;
            }
        }
    }

    /// <summary>Bytes written while disconnected and not yet handed to a connection.</summary>
    public long BufferedBytes
    {
        get
        {
            lock (_lock)
            {
                return _bufferedBytes;
            }
        }
    }

    /// <summary>Runs on the socket of every attempt before it connects (the builder's client plug-ins).</summary>
    internal Action<NetSocket>? SocketCreated { get; init; }

    /// <summary>Completes after <c>close</c>.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Raised for the first connection.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public ReconnectingSocket OnConnect(Action handler) => On("connect", handler);

    /// <summary>Raised when a connection is back, with the number of attempts it took.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public ReconnectingSocket OnReconnect(Action<int> handler) => On("reconnect", handler);

    /// <summary>Raised before each wait, with the attempt that follows it (1-based, per outage) and the wait.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public ReconnectingSocket OnReconnecting(Action<int, TimeSpan> handler) => On("reconnecting", handler);

    /// <summary>Raised when an established connection is lost, with its error (<c>null</c> when the peer ended it).</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public ReconnectingSocket OnDisconnect(Action<Exception?> handler) => On("disconnect", handler);

    /// <summary>Raised for data received on whichever connection is up; the sequence is valid until the handler returns.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public ReconnectingSocket OnData(Action<ReadOnlySequence<byte>> handler) => On("data", handler);

    /// <summary>Raised when the connection's write buffer has drained.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public ReconnectingSocket OnDrain(Action handler) => On("drain", handler);

    /// <summary>Raised when it gives up, or a handler threw.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public ReconnectingSocket OnError(Action<Exception> handler) => On("error", handler);

    /// <summary>Raised once, last: after <see cref="End"/>, <see cref="Destroy"/>, or giving up.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This socket.</returns>
    public ReconnectingSocket OnClose(Action<bool> handler) => On("close", handler);

    /// <summary>Starts connecting.</summary>
    /// <returns>This socket.</returns>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public ReconnectingSocket Connect()
    {
        lock (_lock)
        {
            if (_started)
            {
                throw new InvalidOperationException("Connect was already called.");
            }

            _started = true;
        }

        StartAttempt();
        return this;
    }

    /// <summary>Writes <paramref name="data"/> to the connection, or keeps it for the next one (see the remarks on the type).</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="callback">Runs once the bytes reached a connection's socket, or with the error that stopped them.</param>
    /// <returns><c>false</c> when the caller should wait for <c>drain</c>, or the write was rejected.</returns>
    public bool Write(ReadOnlySpan<byte> data, Action<Exception?>? callback = null)
    {
        NetSocket? socket;
        Exception? rejected = null;
        lock (_lock)
        {
            socket = _socketConnected ? _socket : null;
            if (socket is null)
            {
                if (_stopped)
                {
                    rejected = new NetException(NetErrorCode.WriteAfterEnd, "write after end: the reconnecting socket was ended or destroyed.");
                }
                else if (_bufferedBytes + data.Length > _options.MaxBufferedBytes)
                {
                    rejected = new NetException(NetErrorCode.NoBufferSpace,
                        $"{NetErrorCode.NoBufferSpace}: disconnected, and {data.Length} more bytes would pass MaxBufferedBytes ({_options.MaxBufferedBytes}); the write was rejected.");
                }
                else
                {
                    _buffered.Enqueue((data.ToArray(), callback));
                    _bufferedBytes += data.Length;
                    return true;
                }
            }
        }

        if (rejected is not null)
        {
            callback?.Invoke(rejected);
            return false;
        }

        return socket!.Write(data, callback);
    }

    /// <summary>Writes <paramref name="text"/> encoded with <paramref name="encoding"/> (UTF-8 by default).</summary>
    /// <param name="text">The text.</param>
    /// <param name="encoding">The encoding; UTF-8 when <c>null</c>.</param>
    /// <param name="callback">As for <see cref="Write(ReadOnlySpan{byte}, Action{Exception?})"/>.</param>
    /// <returns>As for <see cref="Write(ReadOnlySpan{byte}, Action{Exception?})"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <c>null</c>.</exception>
    public bool Write(string text, Encoding? encoding = null, Action<Exception?>? callback = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Write((encoding ?? Encoding.UTF8).GetBytes(text), callback);
    }

    /// <summary>Stops reconnecting and ends the connection gracefully (FIN after what was written); <c>close</c> follows.</summary>
    /// <returns>This socket.</returns>
    public ReconnectingSocket End() => Stop(socket => socket.End());

    /// <summary>Stops reconnecting and closes the connection at once; writes still buffered fail.</summary>
    /// <returns>This socket.</returns>
    public ReconnectingSocket Destroy() => Stop(socket => socket.Destroy());

    private ReconnectingSocket Stop(Action<NetSocket> stopSocket)
    {
        NetSocket? socket;
        lock (_lock)
        {
            if (_stopped)
            {
                return this;
            }

            _stopped = true;
            _timer?.Dispose();
            _timer = null;
            socket = _socket;
        }

        FailBuffered(new NetException(NetErrorCode.Destroyed, "The reconnecting socket was ended or destroyed before the data could be sent."));
        if (socket is not null)
        {
            stopSocket(socket); // its close event raises ours
        }
        else
        {
            RaiseClose(hadError: false);
        }

        return this;
    }

    private void StartAttempt()
    {
        var socket = new NetSocket(_socketOptions);
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            if (_stopped)
            {
                return;
            }

            _socket = socket;
            _lastError = null;
        }

        socket.OnConnect(() => OnSocketConnected(socket))
            .OnData((ReadOnlySequence<byte> data) => OnSocketData(data))
            .OnDrain(() => Emit(s_drain))
            .OnError(error =>
            {
                lock (_lock)
                {
                    _lastError = error;
                }
            })
            .OnClose(_ => OnSocketClosed(socket));
        try
        {
            SocketCreated?.Invoke(socket);
            socket.Connect(_socketOptions);
        }
        catch (Exception ex)
        {
            // A bad address or a failing plug-in can only fail again: give up at once.
            GiveUp(ex);
        }
    }

    private void OnSocketConnected(NetSocket socket)
    {
        bool first;
        int attempts;
        (byte[] Data, Action<Exception?>? Callback)[] buffered;
        lock (_lock)
        {
            if (_stopped || !ReferenceEquals(socket, _socket))
            {
                socket.Destroy();
                return;
            }

            _socketConnected = true;
            _connectedAt = _options.TimeProvider.GetTimestamp();
            first = !_everConnected;
            _everConnected = true;
            attempts = _attempt;
            buffered = [.. _buffered];
            _buffered.Clear();
            _bufferedBytes = 0;
        }

        // What was written while disconnected goes first, before anything a handler writes now.
        foreach ((byte[] data, Action<Exception?>? callback) in buffered)
        {
            socket.Write(data, callback);
        }

        SafeEmit(() => _ = first ? Emit(s_connect) : Emit(s_reconnect, attempts));
    }

    private void OnSocketData(ReadOnlySequence<byte> data)
    {
        try
        {
            Emit(s_data, data);
        }
        catch (Exception ex)
        {
            // A handler's bug is reported, not a reason to drop the connection and reconnect.
            ReportHandlerError(ex);
        }
    }

    private void OnSocketClosed(NetSocket socket)
    {
        bool wasConnected;
        Exception? error;
        int attempt;
        TimeSpan delay;
        lock (_lock)
        {
            if (!ReferenceEquals(socket, _socket))
            {
                return;
            }

            wasConnected = _socketConnected;
            error = _lastError;
            _socketConnected = false;
            _socket = null;
            if (_stopped)
            {
                attempt = 0;
                delay = default;
            }
            else
            {
                // A connection that stayed up long enough starts the back-off over; a flapping one continues it.
                if (wasConnected && _options.TimeProvider.GetElapsedTime(_connectedAt) >= _options.ResetAfter)
                {
                    _attempt = 0;
                }

                attempt = ++_attempt;
                delay = Jittered(_options.DelayBefore(attempt));
            }
        }

        if (wasConnected)
        {
            SafeEmit(() => Emit(s_disconnect, error));
        }

        if (attempt == 0)
        {
            RaiseClose(hadError: false); // End or Destroy: this was the last connection
            return;
        }

        if (_options.MaxAttempts is { } max && attempt > max)
        {
            GiveUp(new NetException(NetException.GetCode(error) ?? NetErrorCode.ConnectionRefused,
                $"Gave up reconnecting after {max} failed attempt(s){(error is null ? "." : ": " + error.Message)}", error));
            return;
        }

        // The wait starts before the event is raised: a handler that moves a fake clock on must find it running.
        lock (_lock)
        {
            if (!_stopped)
            {
                _timer = _options.TimeProvider.CreateTimer(static state => ((ReconnectingSocket)state!).StartAttempt(), this, delay, Timeout.InfiniteTimeSpan);
            }
        }

        SafeEmit(() => Emit(s_reconnecting, attempt, delay));
    }

    private TimeSpan Jittered(TimeSpan delay) => _options.Jitter == 0
        ? delay
        : TimeSpan.FromTicks((long)(delay.Ticks * (1 - (_options.Jitter * Random.Shared.NextDouble()))));

    private void GiveUp(Exception error)
    {
        lock (_lock)
        {
            _stopped = true;
            _socket = null;
        }

        FailBuffered(error);
        ReportHandlerError(error); // with no handler the failure still shows in Completion
        RaiseClose(hadError: true);
    }

    private void FailBuffered(Exception error)
    {
        (byte[] Data, Action<Exception?>? Callback)[] buffered;
        lock (_lock)
        {
            buffered = [.. _buffered];
            _buffered.Clear();
            _bufferedBytes = 0;
        }

        foreach ((_, Action<Exception?>? callback) in buffered)
        {
            callback?.Invoke(error);
        }
    }

    private void RaiseClose(bool hadError)
    {
        lock (_lock)
        {
            if (_closeRaised)
            {
                return;
            }

            _closeRaised = true;
        }

        SafeEmit(() => Emit(s_close, hadError));
        _completion.TrySetResult();
    }

    /// <summary>Runs an emit; a handler's exception becomes <c>error</c> (or, with no handler, faults <see cref="Completion"/>).</summary>
    private void SafeEmit(Action emit)
    {
        try
        {
            emit();
        }
        catch (Exception ex)
        {
            ReportHandlerError(ex);
        }
    }

    private void ReportHandlerError(Exception error)
    {
        if (!Emit(s_error, error))
        {
            _completion.TrySetException(error);
        }
    }
}
