using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using PipeNet.Internal;
using PipeNet.Resolver;
using PipeNet.Transport.Tcp;

namespace PipeNet;

public sealed partial class NetSocket
{
    private static readonly Lazy<TcpConnector> s_inlineConnector = new(() => new TcpConnector());
    private static readonly Lazy<TcpConnector> s_threadPoolConnector = new(() => new TcpConnector(new TcpTransportOptions { DispatchToThreadPool = true }));

    /// <summary>
    /// Connects to <paramref name="host"/>:<paramref name="port"/> (127.0.0.1 when no host is given).
    /// Register handlers before calling it: unlike Node's single-threaded loop, the outcome (<c>connect</c>,
    /// or <c>error</c> then <c>close</c>) may be raised on another thread before this call's caller
    /// gets to chain more <c>On</c> calls.
    /// </summary>
    /// <param name="port">The port, 1..65535.</param>
    /// <param name="host">A host name or IP address; <c>null</c> keeps <see cref="SocketOptions.Host"/>.</param>
    /// <param name="callback">Registered once for <c>connect</c>.</param>
    /// <returns>This socket; the outcome arrives as <c>connect</c> or <c>error</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> outside 1..65535.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">The socket is already connecting or connected.</exception>
    public NetSocket Connect(int port, string? host = null, Action? callback = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        SocketOptions own = OwnOptions();
        if (host is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(host);
            own.Host = host;
        }

        own.Port = port;
        own.Path = null;
        return StartConnect(callback);
    }

    /// <summary>Connects with <paramref name="options"/> (they replace this socket's options).</summary>
    /// <param name="options">Host and port, or a Unix path, plus socket options.</param>
    /// <param name="callback">Registered once for <c>connect</c>.</param>
    /// <returns>This socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">Neither a port nor a path.</exception>
    /// <exception cref="InvalidOperationException">The socket is already connecting or connected.</exception>
    public NetSocket Connect(SocketOptions options, Action? callback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Path is null && options.Port == 0)
        {
            throw new ArgumentException("Connecting needs a Port (1..65535) or a Path.", nameof(options));
        }

        CopyOptions(options);
        return StartConnect(callback);
    }

    /// <summary>Connects to the Unix domain socket at <paramref name="path"/> (<c>@name</c> for an abstract name).</summary>
    /// <param name="path">The socket path.</param>
    /// <param name="callback">Registered once for <c>connect</c>.</param>
    /// <returns>This socket.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">The socket is already connecting or connected.</exception>
    public NetSocket Connect(string path, Action? callback = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        OwnOptions().Path = path;
        return StartConnect(callback);
    }

    private void CopyOptions(SocketOptions options)
    {
        SocketOptions copy = options.Clone();
        SocketOptions own = OwnOptions();
        own.Host = copy.Host;
        own.Port = copy.Port;
        own.Path = copy.Path;
        own.Family = copy.Family;
        own.Timeout = copy.Timeout;
        own.CloseOnTimeout = copy.CloseOnTimeout;
        own.KeepAlive = copy.KeepAlive;
        own.KeepAliveInitialDelay = copy.KeepAliveInitialDelay;
        own.KeepAliveInterval = copy.KeepAliveInterval;
        own.KeepAliveCount = copy.KeepAliveCount;
        own.NoDelay = copy.NoDelay;
        own.LocalAddress = copy.LocalAddress;
        own.LocalPort = copy.LocalPort;
        own.AllowHalfOpen = copy.AllowHalfOpen;
        own.Lookup = copy.Lookup;
        own.Resolver = copy.Resolver;
        own.AutoSelectFamily = copy.AutoSelectFamily;
        own.AutoSelectFamilyAttemptTimeout = copy.AutoSelectFamilyAttemptTimeout;
        own.DispatchToThreadPool = copy.DispatchToThreadPool;
        own.ConnectTimeout = copy.ConnectTimeout;
        own.IdleMonitor = copy.IdleMonitor;
        CopyTlsOptions(copy);
        if (copy.Encoding is not null)
        {
            SetEncoding(copy.Encoding);
        }
    }

    private NetSocket StartConnect(Action? callback)
    {
        lock (this)
        {
            if (HasFlag(NetSocketFlags.Opening | NetSocketFlags.Open | NetSocketFlags.Closed | NetSocketFlags.Destroyed) || _connection is not null)
            {
                throw new InvalidOperationException("The socket is already connecting or connected; create a new NetSocket for a new connection.");
            }

            SetFlag(NetSocketFlags.Opening);
        }

        if (callback is not null)
        {
            Once("connect", callback);
        }

        _ = ConnectAndRunAsync();
        return this;
    }

    private async Task ConnectAndRunAsync()
    {
        // Connect returns before any lookup or connect work starts; the outcome arrives on another thread.
        await Task.Yield();
        ConnectionContext connection;
        try
        {
            connection = await OpenAsync().ConfigureAwait(false);
            connection = await SecureAsync(connection).ConfigureAwait(false); // TLS, when asked for (NetSocket.Tls.cs)
        }
        catch (Exception ex)
        {
            lock (this)
            {
                ClearFlag(NetSocketFlags.Opening);
            }

            RaiseError(Translate(ex));
            await CloseAsync().ConfigureAwait(false);
            return;
        }

        if (HasFlag(NetSocketFlags.Destroyed))
        {
            _connection = connection;
            await CloseAsync().ConfigureAwait(false);
            return;
        }

        Attach(connection);
        await RunAsync().ConfigureAwait(false);
    }

    private async Task<ConnectionContext> OpenAsync()
    {
        TcpConnector connector = (_options.DispatchToThreadPool ? s_threadPoolConnector : s_inlineConnector).Value;
        var connectOptions = new TcpConnectOptions
        {
            ConnectTimeout = _options.ConnectTimeout,
            NoDelay = _options.NoDelay,
            KeepAlive = _options.KeepAlive ? _options.KeepAliveSettings : null,
        };

        if (_options.Path is { } path)
        {
            EndPoint unix = NetAddress.Parse(path.StartsWith("unix:", StringComparison.Ordinal) ? path : "unix:" + path, 0, "path");
            return await connector.ConnectAsync(unix, connectOptions).ConfigureAwait(false);
        }

        if (_options.LocalAddress is not null || _options.LocalPort is not null)
        {
            connectOptions.LocalEndPoint = new IPEndPoint(_options.LocalAddress ?? IPAddress.Any, _options.LocalPort ?? 0);
        }

        IPAddress[] addresses = await ResolveAsync(_options.Host).ConfigureAwait(false);
        return await ConnectToAnyAsync(connector, addresses, connectOptions).ConfigureAwait(false);
    }

    private async Task<IPAddress[]> ResolveAsync(string host)
    {
        if (IPAddress.TryParse(host, out IPAddress? literal) && NetAddress.IsIP(host) != 0)
        {
            // A literal address needs no lookup, and Node raises no lookup event for it.
            Extras.HostAddresses = [literal];
            return [literal];
        }

        AddressFamily family = _options.Family switch
        {
            4 => AddressFamily.InterNetwork,
            6 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unspecified,
        };

        IPAddress[] addresses;
        try
        {
            addresses = _options.Lookup is { } lookup
                ? await lookup(host, family, CancellationToken.None).ConfigureAwait(false)
                : [.. (await (_options.Resolver ?? HostResolver.Default).ResolveAsync(host, family).ConfigureAwait(false)).AddressesOf(family)];
            addresses = family == AddressFamily.Unspecified ? addresses : Array.FindAll(addresses, a => a.AddressFamily == family);
            if (addresses.Length == 0)
            {
                throw new NetException(NetErrorCode.NotFound, $"lookup {host}: no {(family == AddressFamily.Unspecified ? "" : $"IPv{_options.Family} ")}addresses.");
            }
        }
        catch (Exception ex)
        {
            Exception error = ex switch
            {
                SocketException se => NetException.FromSocketException(se, $"lookup {host}"),
                ArgumentException bad => new NetException(NetErrorCode.NotFound, $"lookup {host}: {NetErrorCode.NotFound}: {bad.Message}", bad),
                _ => Translate(ex),
            };
            Emit(s_lookup, new LookupResult(error, null, 0, host));
            throw error;
        }

        Extras.HostAddresses = addresses;
        Emit(s_lookup, new LookupResult(null, addresses[0], addresses[0].AddressFamily == AddressFamily.InterNetworkV6 ? 6 : 4, host));
        return addresses;
    }
}
