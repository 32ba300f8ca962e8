using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tcp;

namespace PipeNet;

public sealed partial class NetServer
{
    /// <summary>
    /// Listens on <paramref name="port"/> (0 picks a free one) of <paramref name="host"/>; no host or
    /// <c>any</c> binds every IPv4 and IPv6 address (one dual-stack socket). <c>listening</c> follows;
    /// a failure arrives as <c>error</c>. An address in use (<c>EADDRINUSE</c>) is first retried
    /// <see cref="ServerOptions.MaxRetries"/> times, <see cref="ServerOptions.RetryDelay"/> apart, unless
    /// <see cref="ServerOptions.NoRelisten"/> is set.
    /// </summary>
    /// <param name="port">The port, 0..65535.</param>
    /// <param name="host">An IP address or host name; <c>null</c> for all addresses.</param>
    /// <param name="backlog">The listen backlog; <c>null</c> keeps <see cref="ServerOptions.Backlog"/>.</param>
    /// <param name="callback">Registered once for <c>listening</c>.</param>
    /// <returns>This server.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A port outside 0..65535 or a backlog under 1.</exception>
    public NetServer Listen(int port, string? host = null, int? backlog = null, Action? callback = null) =>
        Listen(port, host is null ? [] : [host], backlog, callback);

    /// <summary>Listens on <paramref name="port"/> of several hosts at once.</summary>
    /// <param name="port">The port, 0..65535.</param>
    /// <param name="hosts">IP addresses or host names; empty for all addresses.</param>
    /// <param name="backlog">The listen backlog; <c>null</c> keeps <see cref="ServerOptions.Backlog"/>.</param>
    /// <param name="callback">Registered once for <c>listening</c>.</param>
    /// <returns>This server.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A port outside 0..65535 or a backlog under 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="hosts"/> is <c>null</c>.</exception>
    public NetServer Listen(int port, IReadOnlyList<string> hosts, int? backlog = null, Action? callback = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        ArgumentNullException.ThrowIfNull(hosts);
        if (backlog is { } b)
        {
            _options.Backlog = b;
        }

        return StartListening(callback, () => ResolveListenEndPointsAsync(port, hosts, family: 0));
    }

    /// <summary>Listens as <paramref name="options"/> say: port and host(s) with a family, or a Unix path.</summary>
    /// <param name="options">What to bind.</param>
    /// <param name="callback">Registered once for <c>listening</c>.</param>
    /// <returns>This server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <c>null</c>.</exception>
    public NetServer Listen(ListenOptions options, Action? callback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxConnections is { } max)
        {
            SetMaxConnections(max);
        }

        if (options.Backlog is { } backlog)
        {
            _options.Backlog = backlog;
        }

        if (options.Path is { } path)
        {
            return Listen(path, callback);
        }

        IReadOnlyList<string> hosts = options.Hosts.Count > 0 ? options.Hosts : options.Host is null ? [] : [options.Host];
        int port = options.Port, family = options.Family;
        _ipv6Only = family == 6;
        return StartListening(callback, () => ResolveListenEndPointsAsync(port, hosts, family));
    }

    /// <summary>Listens on the Unix domain socket <paramref name="path"/> (<c>@name</c> for an abstract name).</summary>
    /// <param name="path">The socket path.</param>
    /// <param name="callback">Registered once for <c>listening</c>.</param>
    /// <returns>This server.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or not a valid socket path.</exception>
    public NetServer Listen(string path, Action? callback = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        EndPoint endPoint = NetAddress.Parse(path.StartsWith("unix:", StringComparison.Ordinal) ? path : "unix:" + path, 0, nameof(path));
        return StartListening(callback, () => Task.FromResult<IReadOnlyList<EndPoint>>([endPoint]));
    }

    /// <summary>Listens on an already-bound socket descriptor (systemd socket activation, fd passing).</summary>
    /// <param name="handle">The descriptor; the server takes ownership.</param>
    /// <param name="callback">Registered once for <c>listening</c>.</param>
    /// <returns>This server.</returns>
    public NetServer Listen(ulong handle, Action? callback = null) =>
        StartListening(callback, () => Task.FromResult<IReadOnlyList<EndPoint>>([new FileHandleEndPoint(handle, FileHandleType.Auto)]));

    /// <summary>Listens as <see cref="Listen(int, string?, int?, Action?)"/> and completes when bound (after any retries).</summary>
    /// <param name="port">The port, 0..65535.</param>
    /// <param name="host">An IP address or host name; <c>null</c> for all addresses.</param>
    /// <returns>The bound endpoints.</returns>
    /// <exception cref="NetException">The bind failed, for example <c>EADDRINUSE</c>.</exception>
    public async Task<IReadOnlyList<EndPoint>> ListenAsync(int port, string? host = null)
    {
        var done = new TaskCompletionSource<IReadOnlyList<EndPoint>>(TaskCreationOptions.RunContinuationsAsynchronously);
        Action<Exception> onError = ex => done.TrySetException(ex);
        On("error", onError);
        Listen(port, host, null, () => done.TrySetResult(_endPoints));
        try
        {
            return await done.Task.ConfigureAwait(false);
        }
        finally
        {
            Off("error", onError);
        }
    }

    /// <summary>
    /// Stops accepting at once; <c>close</c> follows once every open connection has ended. The callback
    /// gets an error when the server was not listening (Node).
    /// </summary>
    /// <param name="callback">Runs after <c>close</c>, with the error if there was one.</param>
    /// <returns>This server.</returns>
    public NetServer Close(Action<Exception?>? callback = null)
    {
        _ = CloseAsync(callback);
        return this;
    }

    /// <summary>Stops as <see cref="Close"/> and completes after <c>close</c>.</summary>
    /// <param name="callback">Runs after <c>close</c>, with the error if there was one.</param>
    /// <returns>A task that completes when every connection has ended.</returns>
    public async Task CloseAsync(Action<Exception?>? callback = null)
    {
        ConnectionDispatcher? dispatcher;
        lock (_lock)
        {
            dispatcher = _closing ? null : _dispatcher;
            _closing = true;
        }

        if (dispatcher is null)
        {
            callback?.Invoke(new NetException("ERR_SERVER_NOT_RUNNING", "The server is not running."));
            return;
        }

        // Node: close waits for connections to end by themselves; no grace period cuts them off.
        await dispatcher.StopAsync(Timeout.InfiniteTimeSpan).ConfigureAwait(false);
        Listening = false;
        _endPoints = [];
        Emit(s_close);
        callback?.Invoke(null);
    }

    private NetServer StartListening(Action? callback, Func<Task<IReadOnlyList<EndPoint>>> endPoints)
    {
        lock (_lock)
        {
            if (_dispatcher is not null)
            {
                throw new InvalidOperationException("The server is already listening; close it first.");
            }

            _dispatcher = CreateDispatcher();
        }

        if (callback is not null)
        {
            Once("listening", callback);
        }

        _ = BindAllAsync(_dispatcher, endPoints);
        return this;
    }

    private ConnectionDispatcher CreateDispatcher()
    {
        var dispatcher = new ConnectionDispatcher(_application, _policy);
        dispatcher.ConnectionDropped += (_, e) => Emit(s_drop, e);
        return dispatcher;
    }

    private async Task BindAllAsync(ConnectionDispatcher dispatcher, Func<Task<IReadOnlyList<EndPoint>>> endPoints)
    {
        // Node raises listening and bind errors after listen() returned.
        await Task.Yield();
        var factory = new TcpListenerFactory(new TcpTransportOptions
        {
            Backlog = _options.Backlog,
            DispatchToThreadPool = _options.DispatchToThreadPool,
            NoDelay = _options.NoDelay,
            DualMode = !_ipv6Only,
        });
        _policy.IdleTimeout = null; // Sockets set their own timeout through the idle feature.
        _policy.KeepAlive = _options.KeepAlive ? KeepAliveSettings.Default : null;
        for (int retries = 0; ; retries++)
        {
            var bound = new List<EndPoint>();
            Exception? error = null;
            try
            {
                foreach (EndPoint endPoint in await endPoints().ConfigureAwait(false))
                {
                    bound.Add(await dispatcher.BindAsync(endPoint, factory).ConfigureAwait(false));
                }
            }
            catch (Exception ex)
            {
                error = ex is SocketException se ? NetException.FromSocketException(se, "listen") : ex;
            }

            if (error is null)
            {
                _endPoints = bound;
                Listening = true;
                Emit(s_listening);
                return;
            }

            // No half-bound server: whatever did bind is released, by this attempt's dispatcher.
            await dispatcher.StopAsync(TimeSpan.Zero).ConfigureAwait(false);

            // cio: a port still held by a process on its way out is tried again; any other bind error is final.
            bool retry = !_options.NoRelisten && retries < _options.MaxRetries && NetException.GetCode(error) == NetErrorCode.AddressInUse;
            if (retry)
            {
                await Task.Delay(_options.RetryDelay, _policy.TimeProvider).ConfigureAwait(false);
            }

            lock (_lock)
            {
                if (_closing || !ReferenceEquals(_dispatcher, dispatcher))
                {
                    return; // Closed while waiting: CloseAsync reported it; nothing more to do.
                }

                if (retry)
                {
                    dispatcher = CreateDispatcher();
                    _dispatcher = dispatcher;
                    continue;
                }

                _dispatcher = null;
            }

            RaiseError(error);
            return;
        }
    }

    private static async Task<IReadOnlyList<EndPoint>> ResolveListenEndPointsAsync(int port, IReadOnlyList<string> hosts, int family)
    {
        if (hosts.Count == 0 || hosts.Any(h => h is "any" or "*"))
        {
            return family switch
            {
                4 => [new IPEndPoint(IPAddress.Any, port)],
                6 => [new IPEndPoint(IPAddress.IPv6Any, port)],
                _ => [Socket.OSSupportsIPv6 ? new IPEndPoint(IPAddress.IPv6Any, port) : new IPEndPoint(IPAddress.Any, port)],
            };
        }

        var endPoints = new List<EndPoint>();
        foreach (string host in hosts)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(host);
            IPAddress[] addresses;
            if (IPAddress.TryParse(host, out IPAddress? literal) && NetAddress.IsIP(host) != 0)
            {
                addresses = [literal];
            }
            else
            {
                try
                {
                    addresses = [.. (await PipeNet.Resolver.HostResolver.Default.ResolveAsync(host).ConfigureAwait(false)).Addresses];
                }
                catch (ArgumentException ex)
                {
                    throw new NetException(NetErrorCode.NotFound, $"lookup {host}: {NetErrorCode.NotFound}: {ex.Message}", ex);
                }
            }

            foreach (IPAddress address in addresses)
            {
                if (family == 0 || (family == 4) == (address.AddressFamily == AddressFamily.InterNetwork))
                {
                    endPoints.Add(new IPEndPoint(address, port));
                }
            }
        }

        return endPoints.Count > 0
            ? endPoints
            : throw new NetException(NetErrorCode.NotFound, $"listen: no IPv{family} address among {string.Join(", ", hosts)}.");
    }
}
