using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using PipeNet.Internal;

namespace PipeNet;

public sealed partial class NetSocket
{
    /// <summary>Takes a connected connection and applies the options that need one.</summary>
    private void Attach(ConnectionContext connection)
    {
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;

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

        lock (_lock)
        {
            _state = ReadyState.Open;
        }
    }

    /// <summary>
    /// Makes the idle clock's expiry this socket's <c>timeout</c> event. Done only once a timeout is set (here or by
    /// <c>SetTimeout</c>): a clock without one never fires, and most server sockets never set one.
    /// </summary>
    private void RaiseTimeouts(IConnectionIdleTimeoutFeature clock)
    {
        if (!_raisingTimeouts)
        {
            _raisingTimeouts = true;
            clock.TimedOut = _ => Post(SocketSignal.Timeout);
        }
    }

    /// <summary>
    /// The socket's event loop: reads and raises <c>data</c>/<c>end</c>, and runs what other threads
    /// posted (drain, timeout, write callbacks, errors) in between, so events never overlap; then closes.
    /// </summary>
    /// <remarks>
    /// This is the one state machine a socket keeps for its whole life (an accepted socket's connection task),
    /// so it holds only what every read needs. What some reads need (an async handler still running, a codec's
    /// messages) is awaited through <see cref="OnReadAsync"/>, whose helpers allocate only when they must.
    /// </remarks>
    internal async Task RunAsync()
    {
        if (_options.DispatchToThreadPool)
        {
            await Task.Yield();
        }

        try
        {
            if (!_isServerSide)
            {
                SafeEmit(s_connect);
                SafeEmit(s_ready);
            }

            FlushBufferedWrites();
            while (true)
            {
                ProcessSignals();
                if (Volatile.Read(ref _destroyed))
                {
                    break;
                }

                // While what we wrote is held back by a slow peer, read no more (the flush's completion wakes
                // us): a handler that answers every message would otherwise buffer without bound.
                IMessageDispatcher? messages = Messages;
                bool consume = messages?.HasHandlers ?? ListenerCount(s_data) > 0;
                if (_readEnded || _paused || PendingFlush is not null || (!consume && _unreadDataAtEnd))
                {
                    if (_readEnded && WriteSideDone)
                    {
                        break;
                    }

                    await WaitForSignalAsync().ConfigureAwait(false);
                    continue;
                }

                ReadResult result;
                try
                {
                    result = await _input!.ReadAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // ECONNRESET and friends: this socket's error, nobody else's.
                    Fail(ex);
                    break;
                }

                if (!await OnReadAsync(result, messages, consume).ConfigureAwait(false))
                {
                    break;
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
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (_extras?.UnhandledError is null)
        {
            Extras.UnhandledError = ex;
        }

        FinishClose();
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
        TaskCompletionSource? waiter;
        lock (_lock)
        {
            waiter = _extras?.SignalWaiter;
            if (waiter is null)
            {
                _wakeRequested = true;
            }
            else
            {
                _extras!.SignalWaiter = null;
            }
        }

        waiter?.TrySetResult();
        if (!_readEnded)
        {
            _input?.CancelPendingRead();
        }
    }

    /// <summary>Waits for <see cref="Wake"/>. A <see cref="ValueTask"/> so the loop's state machine needs no awaiter field for it.</summary>
    private ValueTask WaitForSignalAsync()
    {
        lock (_lock)
        {
            if (_wakeRequested || _extras?.Signals is { IsEmpty: false })
            {
                _wakeRequested = false;
                return default;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Extras.SignalWaiter = waiter;
            return new ValueTask(waiter.Task);
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
        _hadError = true;
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

        lock (_lock)
        {
            _closed = true;
        }

        // Callbacks of writes that never reached the socket learn why.
        FailPendingWriteCallbacks("The socket closed before the data was written.");
        ProcessSignalsAfterClose();
        try
        {
            Emit(s_close, _hadError);
        }
        catch (Exception ex)
        {
            Extras.UnhandledError ??= ex;
        }

        Exception? unhandled = _extras?.UnhandledError;
        TaskCompletionSource? completion = Volatile.Read(ref _completion);
        if (completion is null)
        {
            // Nobody asked for Completion yet (a server socket, usually): a clean close needs no task of its own.
            completion = unhandled is null ? s_closedCleanly : new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            completion = Interlocked.CompareExchange(ref _completion, completion, null) ?? completion;
        }

        if (unhandled is not null)
        {
            completion.TrySetException(unhandled);
        }
        else
        {
            completion.TrySetResult();
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
