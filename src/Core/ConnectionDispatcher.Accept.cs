using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using PipeNet.Internal;

namespace PipeNet;

public sealed partial class ConnectionDispatcher
{
    private async Task AcceptLoopAsync(IConnectionListener listener)
    {
        TimeSpan backoff = s_minAcceptBackoff;
        CancellationToken stopping = _stopAccepting.Token;

        // Connections' teardown runs in the accept loop's execution context, as the continuation of an await in
        // the loop would; remembering it here spares each connection a reference to it (see RunConnection).
        Interlocked.CompareExchange(ref _acceptContext, ExecutionContext.Capture(), null);
        while (true)
        {
            ConnectionContext? connection;
            try
            {
                connection = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsTransientAcceptError(ex, out string code))
            {
                // libuv's rule: out of descriptors is not fatal. Back off (doubling up to 1 s) so a full
                // process table does not spin a core, then try again; the connections waiting in the
                // backlog are served as soon as descriptors free up.
                DispatcherLog.AcceptRetrying(_logger, listener.EndPoint, code, backoff.TotalMilliseconds, ex);
                try
                {
                    await Task.Delay(backoff, _options.TimeProvider, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s_maxAcceptBackoff.Ticks));
                continue;
            }
            catch (Exception ex)
            {
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                DispatcherLog.AcceptLoopFaulted(_logger, listener.EndPoint, ex);
                _completion.TrySetException(ex);
                return;
            }

            if (connection is null)
            {
                return; // The listener was unbound.
            }

            backoff = s_minAcceptBackoff;
            Admit(connection);
        }
    }

    private static bool IsTransientAcceptError(Exception exception, out string code)
    {
        code = NetException.GetCode(exception) ?? string.Empty;
        return code is NetErrorCode.TooManyOpenFiles or NetErrorCode.FileTableOverflow or NetErrorCode.ConnectionAborted
            or NetErrorCode.ConnectionReset or NetErrorCode.NoBufferSpace;
    }

    private void Admit(ConnectionContext connection)
    {
        // Reserve a slot with a compare-exchange so ConnectionCount never overshoots the limit, not even
        // for an instant, when several accept loops race.
        while (true)
        {
            int count = Volatile.Read(ref _connectionCount);
            if (_options.MaxConnections is { } max && count >= max)
            {
                _ = DropAsync(connection, count, max);
                return;
            }

            if (Interlocked.CompareExchange(ref _connectionCount, count + 1, count) == count)
            {
                break;
            }
        }

        Interlocked.Increment(ref _acceptedCount);
        NetMetrics.AcceptedConnections.Add(1);
        NetMetrics.ActiveConnections.Add(1);

        if (connection.Features.Get<IConnectionBytesFeature>() is not { } bytes)
        {
            var counting = new CountingDuplexPipe(connection.Transport);
            connection.Transport = counting;
            connection.Features.Set<IConnectionBytesFeature>(counting);
            bytes = counting;
        }

        // One object is the connection's idle clock, its entry in the monitor's list (which is also the list of
        // open connections that stop walks), and the dispatcher's record of it.
        var tracked = new DispatchedConnection(this, connection, bytes, _options.IdleTimeout, _options.TimeProvider.GetTimestamp());
        connection.Features.Set<IConnectionIdleTimeoutFeature>(tracked);
        _idleMonitor.Add(tracked);

        // The application starts on the accept loop's thread, with no hop (as Node runs its 'connection'
        // handler): it returns to the loop at its first await, normally its first read. Like every handler,
        // it must not block; the transport's DispatchToThreadPool moves its continuations off the I/O loops.
        RunConnection(tracked);
    }

    private void RunConnection(DispatchedConnection tracked)
    {
        // As an async method would, hand the accept loop back its execution and synchronization contexts as they
        // were, whatever the application's synchronous part did to them.
        ExecutionContext? loopContext = ExecutionContext.Capture();
        SynchronizationContext? loopSynchronizationContext = SynchronizationContext.Current;
        try
        {
            RunConnectionCore(tracked);
        }
        finally
        {
            if (SynchronizationContext.Current != loopSynchronizationContext)
            {
                SynchronizationContext.SetSynchronizationContext(loopSynchronizationContext);
            }

            if (loopContext is not null && ExecutionContext.Capture() != loopContext)
            {
                ExecutionContext.Restore(loopContext);
            }
        }
    }

    private void RunConnectionCore(DispatchedConnection tracked)
    {
        ConnectionContext connection = tracked.Connection;
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            // Guarded: the arguments themselves cost (a transport may format its connection id on demand).
            DispatcherLog.ConnectionAccepted(_logger, connection.ConnectionId, connection.RemoteEndPoint, connection.LocalEndPoint);
        }

        Task application;
        try
        {
            ApplySocketOptions(connection);
            if (_direct is not null)
            {
                // It reports its end itself (tracked.Complete): nothing to hang on a task.
                _direct.Start(connection, tracked);
                return;
            }

            application = _application(connection);
        }
        catch (Exception ex)
        {
            OnApplicationFailed(connection, ex);
            _ = DisposeConnectionAsync(tracked);
            return;
        }

        if (application.IsCompleted)
        {
            OnApplicationCompleted(tracked, FailureOf(application));
            return;
        }

        // What an await here would do, without an async state machine kept alive for the connection's whole life:
        // the teardown hangs on the task as one delegate. An await would run it in the execution context current
        // here; that is the accept loop's, which the dispatcher remembers, unless the application's synchronous part
        // changed it (or flow is suppressed), and only then is it captured for this connection.
        ExecutionContext? context = ExecutionContext.Capture();
        tracked.WhenCompleted(application, flowContext: context is null || context != AcceptContext);
    }

    /// <summary>The rest of the connection once its application is done: report a failure, then tear down.</summary>
    internal void OnApplicationCompleted(DispatchedConnection tracked, Exception? error)
    {
        if (error is not null)
        {
            OnApplicationFailed(tracked.Connection, error);
        }

        _ = DisposeConnectionAsync(tracked);
    }

    /// <summary>What a completed application task failed with (as awaiting it would throw), or <c>null</c>.</summary>
    internal static Exception? FailureOf(Task application)
    {
        try
        {
            application.GetAwaiter().GetResult();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private void OnApplicationFailed(ConnectionContext connection, Exception exception)
    {
        DispatcherLog.ApplicationError(_logger, connection.ConnectionId, exception);
        connection.Features.Get<IConnectionCloseReasonFeature>()?.TrySetCloseReason(ConnectionCloseReason.Error, exception);
    }

    private void ApplySocketOptions(ConnectionContext connection)
    {
        if (connection.Features.Get<ISocketOptionsFeature>() is not { } socketOptions)
        {
            return;
        }

        try
        {
            if (_options.NoDelay is { } noDelay)
            {
                socketOptions.NoDelay = noDelay;
            }

            if (_options.KeepAlive is { } keepAlive)
            {
                socketOptions.SetKeepAlive(keepAlive);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or NetException)
        {
            // A peer that reset before we got here makes setsockopt fail; the read loop reports that.
            DispatcherLog.SocketOptionsFailed(_logger, connection.ConnectionId, ex);
        }
    }

    private async Task DisposeConnectionAsync(DispatchedConnection tracked)
    {
        ConnectionContext connection = tracked.Connection;
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            DispatcherLog.ApplicationError(_logger, connection.ConnectionId, ex);
        }

        _idleMonitor.Remove(tracked);
        TimeSpan duration = _options.TimeProvider.GetElapsedTime(tracked.StartTimestamp);
        long bytesRead = tracked.Bytes.BytesRead, bytesWritten = tracked.Bytes.BytesWritten;
        NetMetrics.ActiveConnections.Add(-1);
        NetMetrics.ConnectionDuration.Record(duration.TotalSeconds);
        NetMetrics.BytesReceived.Add(bytesRead);
        NetMetrics.BytesSent.Add(bytesWritten);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            DispatcherLog.ConnectionClosed(_logger, connection.ConnectionId, duration.TotalMilliseconds, bytesRead, bytesWritten);
        }

        if (Interlocked.Decrement(ref _connectionCount) == 0)
        {
            lock (_lock)
            {
                _allClosed?.TrySetResult();
            }
        }
    }

    private async Task DropAsync(ConnectionContext connection, int count, int max)
    {
        Interlocked.Increment(ref _droppedCount);
        NetMetrics.DroppedConnections.Add(1);
        DispatcherLog.ConnectionDropped(_logger, connection.RemoteEndPoint, count, max);
        connection.Features.Get<IConnectionCloseReasonFeature>()?.TrySetCloseReason(ConnectionCloseReason.Dropped);
        var args = new ConnectionDroppedEventArgs(connection.LocalEndPoint, connection.RemoteEndPoint, max);
        try
        {
            // A graceful close: the peer sees an orderly end of stream, as Node's drop does.
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            DispatcherLog.ApplicationError(_logger, connection.ConnectionId, ex);
        }

        try
        {
            ConnectionDropped?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            DispatcherLog.DroppedHandlerError(_logger, ex);
        }
    }
}
