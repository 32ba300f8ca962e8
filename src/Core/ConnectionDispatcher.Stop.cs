using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using PipeNet.Internal;

namespace PipeNet;

public sealed partial class ConnectionDispatcher
{
    private async Task StopCoreAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // 1. Stop accepting at once. Unbinding closes the listening sockets, so new peers are refused
        //    by the kernel instead of waiting in a backlog nobody drains.
        (IConnectionListener Listener, Task AcceptLoop)[] listeners;
        lock (_lock)
        {
            listeners = [.. _listeners];
        }

        _stopAccepting.Cancel();
        foreach ((IConnectionListener listener, _) in listeners)
        {
            await listener.UnbindAsync().ConfigureAwait(false);
        }

        foreach ((IConnectionListener listener, Task acceptLoop) in listeners)
        {
            await acceptLoop.ConfigureAwait(false);
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        // 2. Ask open connections to finish, and give them the grace period.
        Task allClosed;
        lock (_lock)
        {
            _allClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Volatile.Read(ref _connectionCount) == 0)
            {
                _allClosed.TrySetResult();
            }

            allClosed = _allClosed.Task;
        }

        // The grace period starts before the first request to close (its timer exists once a handler hears one).
        DispatcherLog.Stopping(_logger, ConnectionCount, timeout);
        Task grace = allClosed.WaitAsync(timeout, _options.TimeProvider, cancellationToken);
        foreach (IdleClock tracked in _idleMonitor.Snapshot())
        {
            tracked.Connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
        }

        try
        {
            await grace.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // 3. Grace period over: abort what is left, then wait for the aborts to land. An aborted
            //    connection's pipes complete with an error, so its application cannot hang on them.
            DispatcherLog.AbortingAfterGracePeriod(_logger, ConnectionCount);
            var reason = new ConnectionAbortedException("The server is stopping and the grace period is over.");
            foreach (IdleClock tracked in _idleMonitor.Snapshot())
            {
                tracked.Connection.Features.Get<IConnectionCloseReasonFeature>()?.TrySetCloseReason(ConnectionCloseReason.ServerStopping, reason);
                tracked.Connection.Abort(reason);
            }

            await allClosed.ConfigureAwait(false);
        }
        finally
        {
            _idleMonitor.Dispose();
        }

        _completion.TrySetResult();
    }
}
