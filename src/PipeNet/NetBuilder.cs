using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tls;

namespace PipeNet;

/// <summary>
/// cio's builder in C#: one object that makes configured clients and servers, with three plug-in chains run on what it
/// makes — every client socket (<see cref="OnClient"/>), every server (<see cref="OnServer"/>), every connection a
/// server accepts (<see cref="OnServerClient"/>) — and pipe-level middleware (<see cref="Use"/>) every server it makes
/// runs its connections through, between TLS and the socket.
/// </summary>
/// <example>
/// <code>
/// var net = Net.Builder()
///     .OnServerClient((socket, _) => socket.SetTimeout(30_000), "idle")
///     .OnServerClient((socket, _) => Console.WriteLine($"from {socket.RemoteAddress}"), "log", new PluginOrder { Before = ["idle"] });
/// NetServer server = net.Server(new NetBuilderOptions { Cert = "fullchain.pem", Key = "privkey.pem" }); // TLS, as cio
/// server.OnConnection(socket => socket.OnData(data => socket.Write(data))).Listen(8443);
/// NetSocket client = net.Client(new NetBuilderOptions { Port = 8443, Ca = { "ca.pem" } }, socket => socket.OnData(...));
/// </code>
/// </example>
/// <remarks>
/// Plug-ins run synchronously, in their chain's order, before any handler the caller adds: a client's before it
/// connects, a server's before it is returned, a server client's before the server's <c>connection</c> handlers. A
/// plug-in that throws makes <see cref="Client"/> or <see cref="Server"/> throw; in <see cref="OnServerClient"/> chains it
/// is that socket's error and destroys only that socket. Adding plug-ins later affects what is made later.
/// </remarks>
public sealed class NetBuilder
{
    private readonly List<Func<ConnectionDelegate, ConnectionDelegate>> _middleware = [];
    private readonly Lock _lock = new();

    /// <summary>The chain run on every client socket the builder makes (cio's <c>onClient</c>).</summary>
    public PluginChain<NetSocket> ClientPlugins { get; } = new();

    /// <summary>The chain run on every server the builder makes (cio's <c>onServer</c>).</summary>
    public PluginChain<NetServer> ServerPlugins { get; } = new();

    /// <summary>The chain run on every connection a server made by the builder accepts (cio's <c>onServerClient</c>).</summary>
    public PluginChain<NetSocket> ServerClientPlugins { get; } = new();

    /// <summary>Adds a client plug-in.</summary>
    /// <param name="plugin">The plug-in: the socket, and the run's context (whose <c>Options</c> is the <see cref="NetBuilderOptions"/>).</param>
    /// <param name="id">Its id, for ordering and removal; generated when <c>null</c>.</param>
    /// <param name="order">Where it goes; the end of the chain when <c>null</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plugin"/> is <c>null</c>.</exception>
    /// <exception cref="InvalidOperationException">The order would make a cycle.</exception>
    public NetBuilder OnClient(Action<NetSocket, PluginContext> plugin, string? id = null, PluginOrder? order = null)
    {
        Add(ClientPlugins, plugin, id, order);
        return this;
    }

    /// <summary>Adds a server plug-in.</summary>
    /// <inheritdoc cref="OnClient" path="/param"/>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plugin"/> is <c>null</c>.</exception>
    /// <exception cref="InvalidOperationException">The order would make a cycle.</exception>
    public NetBuilder OnServer(Action<NetServer, PluginContext> plugin, string? id = null, PluginOrder? order = null)
    {
        Add(ServerPlugins, plugin, id, order);
        return this;
    }

    /// <summary>Adds a plug-in for the connections servers accept.</summary>
    /// <inheritdoc cref="OnClient" path="/param"/>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plugin"/> is <c>null</c>.</exception>
    /// <exception cref="InvalidOperationException">The order would make a cycle.</exception>
    public NetBuilder OnServerClient(Action<NetSocket, PluginContext> plugin, string? id = null, PluginOrder? order = null)
    {
        Add(ServerClientPlugins, plugin, id, order);
        return this;
    }

    /// <summary>
    /// Adds pipe-level middleware (<c>Func&lt;ConnectionDelegate, ConnectionDelegate&gt;</c>, the Core middleware chain) to
    /// every server made after this call; the first added is outermost. It sees each connection after TLS.
    /// </summary>
    /// <param name="middleware">The middleware.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="middleware"/> is <c>null</c>.</exception>
    public NetBuilder Use(Func<ConnectionDelegate, ConnectionDelegate> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_lock)
        {
            _middleware.Add(middleware);
        }

        return this;
    }

    /// <summary>Makes a server (not yet listening): TLS when certificate material is given, with listen retry and client allow/deny.</summary>
    /// <param name="options">The options; the defaults (plaintext) when <c>null</c>.</param>
    /// <returns>The server, server plug-ins applied.</returns>
    /// <exception cref="ArgumentException">TLS material without both <see cref="NetBuilderOptions.Cert"/> and <see cref="NetBuilderOptions.Key"/>.</exception>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>: an unreadable or mismatched certificate, naming the file.</exception>
    public NetServer Server(NetBuilderOptions? options = null)
    {
        options ??= new NetBuilderOptions();
        var serverOptions = new ServerOptions
        {
            NoRelisten = options.NoRelisten,
            RetryDelay = options.RetryDelay,
            MaxRetries = options.MaxRetries,
            TimeProvider = options.TimeProvider,
        };
        if (options.UsesTls)
        {
            if (options.Cert is null || options.Key is null)
            {
                throw new ArgumentException("A TLS server needs both Cert (Public) and Key (Private).", nameof(options));
            }

            serverOptions.TlsOptions = new TlsServerOptions { ServerCertificate = TlsMaterial.LoadCertificate(options.Cert, options.Key, options.Passphrase) };
            if (options.Ca.Count > 0)
            {
                serverOptions.TlsOptions.ClientCertificateAuthorities = TlsMaterial.LoadAuthorities(options.Ca);
            }

            serverOptions.RequestCert = options.RequestCert;
            serverOptions.RejectUnauthorized = options.RejectUnauthorized;
            serverOptions.IsClientAllowed = options.IsClientAllowed;
            serverOptions.RejectClient = options.RejectClient;
        }

        lock (_lock)
        {
            foreach (Func<ConnectionDelegate, ConnectionDelegate> middleware in _middleware)
            {
                serverOptions.Middleware.Add(middleware);
            }
        }

        options.ConfigureServer?.Invoke(serverOptions);
        var server = new NetServer(serverOptions);

        // Registered first, so the plug-ins run before every connection handler the caller adds.
        server.On("connection", (Action<NetSocket>)(socket => ServerClientPlugins.Run(socket, options)));
        ServerPlugins.Run(server, options);
        return server;
    }

    /// <summary>
    /// Makes a client socket and connects it: client plug-ins run first, then <paramref name="configure"/> (register
    /// handlers there, so none misses an event), then the connect starts.
    /// </summary>
    /// <param name="options">Where to connect and how.</param>
    /// <param name="configure">Adds the caller's handlers before the connect starts.</param>
    /// <returns>The connecting socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">Neither a port nor a path to connect to.</exception>
    /// <exception cref="TlsException"><c>TLS_CERTIFICATE_INVALID</c>: unreadable client certificate or CA material.</exception>
    public NetSocket Client(NetBuilderOptions options, Action<NetSocket>? configure = null)
    {
        SocketOptions socketOptions = ClientOptions(options);
        var socket = new NetSocket(socketOptions);
        ClientPlugins.Run(socket, options);
        configure?.Invoke(socket);
        return socket.Connect(socketOptions);
    }

    /// <summary>
    /// Makes a client that reconnects per <see cref="NetBuilderOptions.Reconnect"/>; client plug-ins run on the socket of
    /// every attempt. Register handlers on the result, then call <see cref="ReconnectingSocket.Connect"/>.
    /// </summary>
    /// <param name="options">Where to connect and how.</param>
    /// <returns>The reconnecting socket, not yet connecting.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">Neither a port nor a path to connect to.</exception>
    public ReconnectingSocket ReconnectingClient(NetBuilderOptions options)
    {
        SocketOptions socketOptions = ClientOptions(options);
        return new ReconnectingSocket(socketOptions, options.Reconnect)
        {
            SocketCreated = socket => ClientPlugins.Run(socket, options),
        };
    }

    private static SocketOptions ClientOptions(NetBuilderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Path is null && options.Port == 0)
        {
            throw new ArgumentException("A client needs a Port (1..65535) or a Path to connect to.", nameof(options));
        }

        var socketOptions = new SocketOptions { Host = options.Host, Port = options.Port, Path = options.Path };
        if (options.UsesTls || !options.RejectUnauthorized)
        {
            var tls = new TlsClientOptions { Insecure = !options.RejectUnauthorized };
            if (options.Ca.Count > 0)
            {
                tls.TrustedRoots = TlsMaterial.LoadAuthorities(options.Ca);
            }

            if (options.Cert is not null)
            {
                tls.ClientCertificate = TlsMaterial.LoadCertificate(options.Cert, options.Key ?? options.Cert, options.Passphrase);
            }

            if (options.TimeProvider is not null)
            {
                tls.TimeProvider = options.TimeProvider;
            }

            socketOptions.TlsOptions = tls;
        }

        options.ConfigureClient?.Invoke(socketOptions);
        return socketOptions;
    }

    private static void Add<T>(PluginChain<T> chain, Action<T, PluginContext> plugin, string? id, PluginOrder? order)
    {
        if (id is null && order is null)
        {
            chain.Add(plugin);
        }
        else
        {
            chain.Add(id ?? throw new ArgumentException("A plug-in with an order needs an id.", nameof(id)), plugin, order);
        }
    }
}
