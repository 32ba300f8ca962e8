using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;
using PipeNet.Internal;

namespace PipeNet;

public sealed partial class NetSocket
{
    /// <summary>Takes a connected connection and applies the options that need one.</summary>
    private void Attach(ConnectionContext connection)
    {
        _connection = connection;

        if (connection.Features.Get<ISocketOptionsFeature>() is { } socketOptions)
        {
            socketOptions.NoDelay = _options.NoDelay;
            if (_options.KeepAlive)
            {
                socketOptions.SetKeepAlive(_options.KeepAliveSettings);
            }
        }

        // Server sockets get their idle clock from the dispatcher; a client joins a shared monitor.
        IConnectionIdleTimeoutFeature? clock = connection.Features.Get<IConnectionIdleTimeoutFeature>();
        if (clock is null && connection.Features.Get<IConnectionBytesFeature>() is not null)
        {
            SocketExtras extras = Extras;
            extras.OwnedMonitor = _options.IdleMonitor ?? ConnectionIdleMonitor.Shared;
            clock = extras.OwnedClock = extras.OwnedMonitor.Track(connection, _options.Timeout);
        }
        else if (clock is not null && _options.Timeout is { } timeout)
        {
            clock.IdleTimeout = timeout;
        }

        if (clock is { IdleTimeout: not null })
        {
            RaiseTimeouts(clock);
        }

        lock (this)
        {
            SetFlag(NetSocketFlags.Open);
            ClearFlag(NetSocketFlags.Opening);
        }
    }

    /// <summary>The connection's input: read from the connection when needed rather than held (one field less per socket).</summary>
    private PipeReader Input => _connection!.Transport.Input;

    /// <summary>The connection's output, or <c>null</c> before the socket connected.</summary>
    private PipeWriter? Output => _connection?.Transport.Output;

    /// <summary>
    /// Makes the idle clock's expiry this socket's <c>timeout</c> event. Done only once a timeout is set (here or by
    /// <c>SetTimeout</c>): a clock without one never fires, and most server sockets never set one.
    /// </summary>
    private void RaiseTimeouts(IConnectionIdleTimeoutFeature clock)
    {
        if (TrySetFlag(NetSocketFlags.RaisingTimeouts))
        {
            clock.TimedOut = _ => Post(SocketSignal.Timeout);
        }
    }

    /// <summary>
    /// The socket's event loop: reads and raises <c>data</c>/<c>end</c>, and runs what other threads
    /// posted (drain, timeout, write callbacks, errors) in between, so events never overlap; then closes.
    /// </summary>
    /// <remarks>
    /// This is the one state machine a socket keeps for its whole life (an accepted socket's connection task), so it
    /// holds only what every read needs: no local lives across an await, and everything it awaits is a
    /// <see cref="ValueTask{TResult}"/> of <see cref="ReadResult"/> (see <see cref="Awaitable(ValueTask)"/>), so the
    /// compiler gives it one awaiter field where three awaited types cost 32 bytes more. What some reads need (an async
    /// handler still running, a codec's messages) is awaited through <see cref="OnReadAsync"/>, whose helpers allocate
    /// only when they must.
    /// </remarks>
    /// <param name="completion">
    /// The dispatcher to tell when the socket has closed, for a server socket it serves directly
    /// (<see cref="IDirectConnectionApplication"/>); <c>null</c> when the returned task is what is awaited.
    /// </param>
    internal async Task RunAsync(IApplicationCompletion? completion = null)
    {
        if (_options.DispatchToThreadPool)
        {
            await ToThreadPoolAsync().ConfigureAwait(false);
        }

        try
        {
            if (!HasFlag(NetSocketFlags.ServerSide))
            {
                SafeEmit(s_connect);
                SafeEmit(s_ready);
            }

            FlushBufferedWrites();
            while (true)
            {
                ProcessSignals();
                if (HasFlag(NetSocketFlags.Destroyed))
                {
                    break;
                }

                if (!ShouldRead())
                {
                    if (HasFlag(NetSocketFlags.ReadEnded) && WriteSideDone)
                    {
                        break;
                    }

                    await WaitForSignalAsync().ConfigureAwait(false);
                    continue;
                }

                ReadResult result;
                try
                {
                    result = await Input.ReadAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // ECONNRESET and friends: this socket's error, nobody else's.
                    Fail(ex);
                    break;
                }

                await Awaitable(OnReadAsync(result)).ConfigureAwait(false);
                if (HasFlag(NetSocketFlags.Destroyed))
                {
                    break; // A handler failed (or destroyed the socket): no more events but error and close.
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }

        // CloseAsync, inline: its own state machine would be one more allocation per connection.
        try
        {
            if (_connection is { } connection)
            {
                await Awaitable(connection.DisposeAsync()).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (_extras?.UnhandledError is null)
        {
            Extras.UnhandledError = ex;
        }

        if (completion is null)
        {
            FinishClose();
            return;
        }

        Exception? failure = null;
        try
        {
            FinishClose();
        }
        catch (Exception ex)
        {
            failure = ex; // what would have faulted the task, reported where the task is not awaited
        }

        completion.Complete(failure);
    }

    /// <summary>
    /// Whether the loop reads now. While what we wrote is held back by a slow peer it reads no more (the flush's
    /// completion wakes it): a handler that answers every message would otherwise buffer without bound.
    /// </summary>
    private bool ShouldRead()
    {
        if (HasFlag(NetSocketFlags.ReadEnded | NetSocketFlags.Paused) || PendingFlush is not null)
        {
            return false;
        }

        // Nobody listens for data: read anyway, to see the peer's FIN, unless it is already behind the kept data.
        return !HasFlag(NetSocketFlags.UnreadDataAtEnd) || Consuming(Messages);
    }

    /// <summary>Whether anybody takes what is read: the codec's message handlers, or <c>data</c> handlers.</summary>
    private bool Consuming(IMessageDispatcher? messages) => messages?.HasHandlers ?? ListenerCount(s_data) > 0;

    /// <summary>Moves the loop to the thread pool, typed as a read for the same reason as <see cref="Awaitable(ValueTask)"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ReadResult> ToThreadPoolAsync()
    {
        await Task.Yield();
        return default;
    }

    /// <summary><paramref name="pending"/> as the one awaitable type <see cref="RunAsync"/> awaits (its result is not used).</summary>
    private static ValueTask<ReadResult> Awaitable(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult(); // lets a pooled source behind it be reused
            return default;
        }

        return AwaitAsync(pending);

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        static async ValueTask<ReadResult> AwaitAsync(ValueTask pending)
        {
            await pending.ConfigureAwait(false);
            return default;
        }
    }

    /// <summary>Hands work to the event loop from any thread.</summary>
    private void Post(SocketSignal signal, object? state = null)
    {
        SocketExtras extras = Extras;
        ConcurrentQueue<(SocketSignal Signal, object? State)> signals = Volatile.Read(ref extras.Signals)
            ?? Interlocked.CompareExchange(ref extras.Signals, new(), null)
            ?? extras.Signals!;
        signals.Enqueue((signal, state));
        Wake();
    }

    private void Wake()
    {
        TaskCompletionSource<ReadResult>? waiter;
        lock (this)
        {
            waiter = _extras?.SignalWaiter;
            if (waiter is null)
            {
                SetFlag(NetSocketFlags.WakeRequested);
            }
            else
            {
                _extras!.SignalWaiter = null;
            }
        }

        waiter?.TrySetResult(default);
        if (!HasFlag(NetSocketFlags.ReadEnded))
        {
            _connection?.Transport.Input.CancelPendingRead();
        }
    }

    /// <summary>Waits for <see cref="Wake"/>. Typed as a read so the loop's state machine needs no awaiter field of its own for it.</summary>
    private ValueTask<ReadResult> WaitForSignalAsync()
    {
        lock (this)
        {
            if (HasFlag(NetSocketFlags.WakeRequested) || _extras?.Signals is { IsEmpty: false })
            {
                ClearFlag(NetSocketFlags.WakeRequested);
                return default;
            }

            var waiter = new TaskCompletionSource<ReadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            Extras.SignalWaiter = waiter;
            return new ValueTask<ReadResult>(waiter.Task);
        }
    }

    private void ProcessSignals()
    {
        while (_extras is { } extras && Volatile.Read(ref extras.Signals) is { } signals && signals.TryDequeue(out (SocketSignal Signal, object? State) item))
        {
            switch (item.Signal)
            {
                case SocketSignal.Drain:
                    SafeEmit(s_drain);
                    break;
                case SocketSignal.Timeout:
                    SafeEmit(s_timeout);
                    if (_options.CloseOnTimeout)
                    {
                        Destroy();
                    }

                    break;
                case SocketSignal.WriteCallbacks:
                    RunWriteCallbacks();
                    break;
                case SocketSignal.Error:
                    RaiseError((Exception)item.State!);
                    break;
            }
        }
    }

    private void SafeEmit(EventSlot slot)
    {
        try
        {
            Emit(slot);
        }
        catch (Exception ex)
        {
            HandlerFailed(ex);
        }
    }

    /// <summary>A user handler threw: that is this socket's error, and it ends this socket.</summary>
    private void HandlerFailed(Exception exception)
    {
        RaiseError(exception);
        Destroy();
    }

    /// <summary>An I/O error: raise it and destroy the socket.</summary>
    private void Fail(Exception exception)
    {
        RaiseError(Translate(exception));
        Destroy();
    }

    private void RaiseError(Exception error)
    {
        SetFlag(NetSocketFlags.HadError);
        bool handled;
        try
        {
            handled = Emit(s_error, error);
        }
        catch (Exception handlerError)
        {
            // The error handler itself threw: nothing further can report it, so it leaves the loop.
            Extras.UnhandledError ??= handlerError;
            return;
        }

        if (!handled)
        {
            // rampart: an error nobody listens to is thrown — out of the socket's loop, into Completion.
            Extras.UnhandledError ??= error;
        }
    }

    private static Exception Translate(Exception exception) => exception switch
    {
        NetException => exception,
        ConnectionAbortedException aborted when aborted.InnerException is NetException inner => inner,
        ConnectionResetException reset => new NetException(NetErrorCode.ConnectionReset, reset.Message, reset),
        _ when NetException.GetCode(exception) is { } code => new NetException(code, exception.Message, exception),
        _ => exception,
    };

    /// <summary>Closes a socket whose loop never ran (connect failed, or destroyed before it connected).</summary>
    private async Task CloseAsync()
    {
        try
        {
            if (_connection is { } connection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (_extras?.UnhandledError is null)
        {
            Extras.UnhandledError = ex;
        }

        FinishClose();
    }

    /// <summary>After the connection is disposed: <c>close</c>, then <see cref="Completion"/>.</summary>
    private void FinishClose()
    {
        if (_connection is not null && _extras is { OwnedClock: { } clock })
        {
            _extras.OwnedMonitor?.Untrack(clock);
        }

        lock (this)
        {
            SetFlag(NetSocketFlags.Closed);
        }

        // Callbacks of writes that never reached the socket learn why.
        FailPendingWriteCallbacks("The socket closed before the data was written.");
        ProcessSignalsAfterClose();
        try
        {
            Emit(s_close, HasFlag(NetSocketFlags.HadError));
        }
        catch (Exception ex)
        {
            Extras.UnhandledError ??= ex;
        }

        // Nobody asked for Completion yet (a server socket, usually): the outcome waits in the flags and SocketExtras
        // for whoever asks later, and no task is made for it.
        TaskCompletionSource? completion;
        Exception? unhandled;
        lock (this)
        {
            SetFlag(NetSocketFlags.Completed);
            completion = _extras?.Completion;
            unhandled = _extras?.UnhandledError;
        }

        if (completion is not null)
        {
            Complete(completion, unhandled);
        }
    }

    private void ProcessSignalsAfterClose()
    {
        // Errors posted just before the close still come before it; drains and timeouts no longer matter.
        while (_extras is { } extras && Volatile.Read(ref extras.Signals) is { } signals && signals.TryDequeue(out (SocketSignal Signal, object? State) item))
        {
            if (item.Signal == SocketSignal.Error)
            {
                RaiseError((Exception)item.State!);
            }
            else if (item.Signal == SocketSignal.WriteCallbacks)
            {
                RunWriteCallbacks();
            }
        }
    }
}
