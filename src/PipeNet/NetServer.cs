using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using PipeNet.Internal;
using PipeNet.Transport.Tcp;

namespace PipeNet;

/// <summary>
/// A TCP or Unix socket server with rampart/Node events: <c>connection</c>, <c>listening</c>,
/// <c>close</c>, <c>error</c> and <c>drop</c>. Built on <see cref="ConnectionDispatcher"/>.
/// </summary>
public sealed partial class NetServer : EventEmitter<NetServer>, IDirectConnectionApplication
{
    private readonly ServerOptions _options;
    private readonly ConnectionDispatcherOptions _policy;
    private static readonly EventSlot s_connection = DefineEvent("connection", "Action<NetSocket>", typeof(Action<NetSocket>));
    private static readonly EventSlot s_listening = DefineEvent("listening", "Action or Action<NetServer>", typeof(Action));
    private static readonly EventSlot s_close = DefineEvent("close", "Action or Action<NetServer>", typeof(Action));
    private static readonly EventSlot s_error = DefineEvent("error", "Action<Exception> or Action", typeof(Action<Exception>), typeof(Action));
    private static readonly EventSlot s_drop = DefineEvent("drop", "Action<ConnectionDroppedEventArgs> or Action", typeof(Action<ConnectionDroppedEventArgs>), typeof(Action));
    private readonly Lock _lock = new();
    private SocketOptions? _acceptedOptions;
    private ConnectionDispatcher? _dispatcher;
    private IReadOnlyList<EndPoint> _endPoints = [];
    private bool _closing;
    private bool _ipv6Only;

    /// <summary>Creates a server; <c>Listen</c> starts it.</summary>
    /// <param name="options">Options; the defaults when <c>null</c>.</param>
    /// <param name="connectionListener">Registered for <c>connection</c>.</param>
    public NetServer(ServerOptions? options = null, Action<NetSocket>? connectionListener = null)
    {
        _options = options ?? new ServerOptions();
        _policy = new ConnectionDispatcherOptions { TimeProvider = _options.TimeProvider ?? TimeProvider.System };
        _application = InitializeTls(); // TLS settings are checked here, so a bad certificate file fails at configuration (NetServer.Tls.cs)
        if (connectionListener is not null)
        {
            On("connection", connectionListener);
        }
    }

    /// <summary>Whether the server is accepting connections.</summary>
    public bool Listening { get; private set; }

    /// <summary>The listen backlog.</summary>
    public int Backlog => _options.Backlog;

    /// <summary>The connection limit, or <c>null</c> for none. Set it any time with <see cref="SetMaxConnections"/>.</summary>
    public int? MaxConnections => _policy.MaxConnections;

    /// <summary>Connections being served now.</summary>
    public int ConnectionCount => _dispatcher?.ConnectionCount ?? 0;

    /// <summary>The bound endpoints (rampart's <c>_hostAddrs</c>), real ports included.</summary>
    public IReadOnlyList<EndPoint> EndPoints => _endPoints;

    /// <summary>The bound port, or 0.</summary>
    public int Port => _endPoints.OfType<IPEndPoint>().FirstOrDefault()?.Port ?? 0;

    /// <summary>Sets the connection limit at any time; 0, a negative number or one above 4,294,967,295 means no limit (rampart).</summary>
    /// <param name="maxConnections">The limit.</param>
    /// <returns>This server.</returns>
    public NetServer SetMaxConnections(long maxConnections)
    {
        _policy.MaxConnections = maxConnections is <= 0 or > uint.MaxValue ? null : (int)Math.Min(maxConnections, int.MaxValue);
        return this;
    }

    /// <summary>Node's <c>server.address()</c>: the first bound address, or <c>null</c> when not listening.</summary>
    /// <returns>The address.</returns>
    public ServerAddress? Address() => _endPoints.FirstOrDefault() switch
    {
        IPEndPoint ip => new ServerAddress(ip.Address.ToString(), ip.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4", ip.Port),
        UnixDomainSocketEndPoint unix => new ServerAddress(unix.ToString(), "unix", 0),
        _ => null,
    };

    /// <summary>Hands <paramref name="callback"/> the number of open connections (Node's <c>getConnections</c>).</summary>
    /// <param name="callback">Receives (error, count).</param>
    /// <returns>This server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is <c>null</c>.</exception>
    public NetServer GetConnections(Action<Exception?, int> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        callback(null, ConnectionCount);
        return this;
    }

    /// <summary>
    /// This server's per-connection behaviour as a <see cref="Microsoft.AspNetCore.Connections.ConnectionDelegate"/>,
    /// to run the event API behind any <see cref="ConnectionDispatcher"/> or middleware chain instead of <c>Listen</c>.
    /// </summary>
    /// <returns>A delegate that raises <c>connection</c> with a <see cref="NetSocket"/> and completes when it closes.</returns>
    public ConnectionDelegate AsConnectionDelegate() => ServeAsync;

    /// <summary>Registers a <c>connection</c> handler.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This server.</returns>
    public NetServer OnConnection(Action<NetSocket> handler) => On("connection", handler);

    /// <summary>Registers a <c>listening</c> handler.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This server.</returns>
    public NetServer OnListening(Action handler) => On("listening", handler);

    /// <summary>Registers a <c>close</c> handler (after the last connection ended).</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This server.</returns>
    public NetServer OnClose(Action handler) => On("close", handler);

    /// <summary>Registers an <c>error</c> handler. With none, errors are thrown.</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This server.</returns>
    public NetServer OnError(Action<Exception> handler) => On("error", handler);

    /// <summary>Registers a <c>drop</c> handler (a connection refused over the limit).</summary>
    /// <param name="handler">The handler.</param>
    /// <returns>This server.</returns>
    public NetServer OnDrop(Action<ConnectionDroppedEventArgs> handler) => On("drop", handler);

    /// <summary>Serves one connection: the socket's own loop is the connection's task, with no state machine of its own.</summary>
    private Task ServeAsync(ConnectionContext connection)
    {
        try
        {
            return Serve(connection, completion: null);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex); // as an async method would report it: through the task
        }
    }

    /// <summary>
    /// Serves one connection for a dispatcher that has <see cref="ServeAsync"/> unwrapped: the socket's loop reports its
    /// end to the dispatcher itself, so the dispatcher keeps no continuation on the loop's task.
    /// </summary>
    void IDirectConnectionApplication.Start(ConnectionContext connection, IApplicationCompletion completion) =>
        Serve(connection, completion);

    /// <summary>Raises <c>connection</c> with a new socket and starts its loop; throws only when the socket could not be made.</summary>
    private Task Serve(ConnectionContext connection, IApplicationCompletion? completion)
    {
        var socket = new NetSocket(connection, SocketOptionsForAccepted(), _options.PauseOnConnect);
        try
        {
            Emit(s_connection, socket);
        }
        catch (Exception ex)
        {
            // A throwing connection handler is that socket's error, not the server's.
            socket.Destroy(ex);
        }

        return socket.RunAsync(completion);
    }

    /// <summary>
    /// The options of accepted sockets, one instance shared by all of them (a socket copies it before changing
    /// anything); rebuilt when the server's options changed since.
    /// </summary>
    private SocketOptions SocketOptionsForAccepted()
    {
        ServerOptions server = _options;
        SocketOptions? shared = Volatile.Read(ref _acceptedOptions);
        if (shared is not null && shared.AllowHalfOpen == server.AllowHalfOpen && shared.NoDelay == server.NoDelay
            && shared.KeepAlive == server.KeepAlive && shared.Timeout == server.Timeout
            && shared.CloseOnTimeout == server.CloseOnTimeout && shared.DispatchToThreadPool == server.DispatchToThreadPool)
        {
            return shared;
        }

        shared = new SocketOptions
        {
            AllowHalfOpen = server.AllowHalfOpen,
            NoDelay = server.NoDelay,
            KeepAlive = server.KeepAlive,
            Timeout = server.Timeout,
            CloseOnTimeout = server.CloseOnTimeout,
            DispatchToThreadPool = server.DispatchToThreadPool,
        };
        Volatile.Write(ref _acceptedOptions, shared);
        return shared;
    }

    private void RaiseError(Exception error)
    {
        if (!Emit(s_error, error))
        {
            throw error;
        }
    }
}
