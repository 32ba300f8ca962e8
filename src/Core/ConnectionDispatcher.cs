using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PipeNet.Internal;

namespace PipeNet;

/// <summary>
/// Binds endpoints through any <see cref="IConnectionListenerFactory"/> (PipeNet's or Kestrel's), runs
/// one accept loop per endpoint, and runs the application's <see cref="ConnectionDelegate"/> for every
/// connection it admits, enforcing <see cref="ConnectionDispatcherOptions"/>.
/// </summary>
/// <remarks>
/// <code>
///  listener.AcceptAsync ──▶ admit? ──no──▶ close, count, ConnectionDropped
///                             │yes
///                             ▼
///        socket options, idle clock, track ──▶ application(connection) ──▶ DisposeAsync, untrack
/// </code>
/// </remarks>
public sealed partial class ConnectionDispatcher : IAsyncDisposable
{
    private static readonly TimeSpan s_minAcceptBackoff = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan s_maxAcceptBackoff = TimeSpan.FromSeconds(1);

    private readonly ConnectionDelegate _application;
    private readonly IDirectConnectionApplication? _direct; // the application, when it reports connection ends itself
    private readonly ConnectionDispatcherOptions _options;
    private readonly ILogger _logger;
    private readonly List<(IConnectionListener Listener, Task AcceptLoop)> _listeners = [];
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConnectionIdleMonitor _idleMonitor;
    private readonly Lock _lock = new();
    private TaskCompletionSource? _allClosed;
    private Task? _stopTask;
    private ExecutionContext? _acceptContext;
    private int _connectionCount;
    private long _acceptedCount;
    private long _droppedCount;

    /// <summary>Creates a dispatcher that runs <paramref name="application"/> for every admitted connection.</summary>
    /// <param name="application">The connection handler, typically built with <see cref="ConnectionPipeline"/>.</param>
    /// <param name="options">The policy; <c>null</c> for the defaults. The instance is read live.</param>
    /// <param name="loggerFactory">Where log messages go; none when <c>null</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="application"/> is <c>null</c>.</exception>
    public ConnectionDispatcher(ConnectionDelegate application, ConnectionDispatcherOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(application);
        _application = application;
        _direct = application.HasSingleTarget ? application.Target as IDirectConnectionApplication : null;
        _options = options ?? new ConnectionDispatcherOptions();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PipeNet.ConnectionDispatcher");
        _idleMonitor = new ConnectionIdleMonitor(_options.TimeProvider, _options.HeartbeatInterval, loggerFactory);
    }

    /// <summary>
    /// The idle clocks of the open connections. Its list of clocks is also the dispatcher's list of open
    /// connections: every clock in it is a <see cref="DispatchedConnection"/>, tracked from admission to teardown.
    /// </summary>
    internal ConnectionIdleMonitor IdleMonitor => _idleMonitor;

    /// <summary>The execution context the accept loops run in (the first loop's); connections' teardown runs in it.</summary>
    internal ExecutionContext? AcceptContext => Volatile.Read(ref _acceptContext);

    /// <summary>The live policy. Changing it affects connections accepted from then on.</summary>
    public ConnectionDispatcherOptions Options => _options;

    /// <summary>Connections admitted and not yet finished. Exact at every moment.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Connections admitted since the dispatcher started.</summary>
    public long AcceptedCount => Interlocked.Read(ref _acceptedCount);

    /// <summary>Connections refused over <see cref="ConnectionDispatcherOptions.MaxConnections"/> since the dispatcher started.</summary>
    public long DroppedCount => Interlocked.Read(ref _droppedCount);

    /// <summary>The endpoints bound so far, as the listeners report them (port 0 resolved to the real port).</summary>
    public IReadOnlyList<EndPoint> EndPoints
    {
        get
        {
            lock (_lock)
            {
                return _listeners.Select(l => l.Listener.EndPoint).ToArray();
            }
        }
    }

    /// <summary>
    /// Completes when every accept loop has ended after <see cref="StopAsync"/>; faults with the error
    /// when an accept loop dies of a non-transient error (also logged at Critical).
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>Raised after a connection over the limit was closed (Node's <c>drop</c>). Handlers must not block.</summary>
    public event EventHandler<ConnectionDroppedEventArgs>? ConnectionDropped;

    /// <summary>Binds <paramref name="endPoint"/> with <paramref name="listenerFactory"/> and starts accepting on it.</summary>
    /// <param name="endPoint">What to listen on: an <see cref="IPEndPoint"/> (port 0 picks a free port), a Unix socket, a handle…</param>
    /// <param name="listenerFactory">The transport.</param>
    /// <param name="cancellationToken">Cancels the bind.</param>
    /// <returns>The bound endpoint, with the real port.</returns>
    /// <exception cref="ArgumentNullException">An argument is <c>null</c>.</exception>
    /// <exception cref="NetException">The bind failed, for example <c>EADDRINUSE</c>.</exception>
    /// <exception cref="InvalidOperationException">The dispatcher is stopping.</exception>
    public async Task<EndPoint> BindAsync(EndPoint endPoint, IConnectionListenerFactory listenerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(listenerFactory);
        ThrowIfStopping();

        IConnectionListener listener;
        try
        {
            listener = await listenerFactory.BindAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not NetException && NetException.GetCode(ex) is { } code)
        {
            throw new NetException(code, $"listen {endPoint}: {code}: {ex.Message}", ex);
        }

        lock (_lock)
        {
            if (_stopTask is not null)
            {
                _ = listener.DisposeAsync();
                ThrowIfStopping();
            }

            _listeners.Add((listener, Task.Run(() => AcceptLoopAsync(listener))));
        }

        DispatcherLog.Listening(_logger, listener.EndPoint);
        return listener.EndPoint;
    }

    /// <summary>
    /// Stops accepting at once, lets open connections finish for up to <paramref name="timeout"/>, then
    /// aborts the rest and waits for them to close. Calling it again returns the same task.
    /// </summary>
    /// <param name="timeout">The grace period for open connections; <see cref="Timeout.InfiniteTimeSpan"/> waits for them however long they take.</param>
    /// <param name="cancellationToken">Ends the grace period early (connections are then aborted).</param>
    /// <returns>A task that completes when every connection has closed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than infinite).</exception>
    public Task StopAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        }

        lock (_lock)
        {
            return _stopTask ??= StopCoreAsync(timeout, cancellationToken);
        }
    }

    /// <summary>Stops with <see cref="ConnectionDispatcherOptions.ShutdownTimeout"/> as the grace period.</summary>
    /// <returns>A task that completes when every connection has closed.</returns>
    public async ValueTask DisposeAsync() => await StopAsync(_options.ShutdownTimeout).ConfigureAwait(false);

    private void ThrowIfStopping()
    {
        if (Volatile.Read(ref _stopTask) is not null)
        {
            throw new InvalidOperationException("The dispatcher is stopping; it cannot bind new endpoints.");
        }
    }
}
