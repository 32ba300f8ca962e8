using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>A listening TCP or Unix socket whose accepted sockets become <see cref="SocketConnection"/>s.</summary>
internal sealed class TcpConnectionListener : IConnectionListener
{
    private readonly Socket _listenSocket;
    private readonly SocketConnectionFactory _connections;
    private readonly ILogger _logger;
    private readonly string? _unixFilePath;
    private readonly EpollAcceptor? _epoll;
    private int _unbound;

    private TcpConnectionListener(Socket listenSocket, EndPoint endPoint, string? unixFilePath, SocketConnectionFactory connections, ILogger logger)
    {
        _listenSocket = listenSocket;
        _unixFilePath = unixFilePath;
        _logger = logger;
        EndPoint = endPoint;
        _connections = connections;
        _epoll = connections.UsesEpoll ? new EpollAcceptor(listenSocket, connections.AcceptLoop) : null;
    }

    public EndPoint EndPoint { get; }

    public static TcpConnectionListener Bind(EndPoint endPoint, TcpTransportOptions options, ILogger logger)
    {
        Socket socket = endPoint switch
        {
            FileHandleEndPoint handle => new Socket(new SafeSocketHandle((nint)handle.FileHandle, ownsHandle: true)),
            UnixDomainSocketEndPoint => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified),
            IPEndPoint ip => new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp),
            _ => throw new ArgumentException($"TCP listeners take an IPEndPoint, a UnixDomainSocketEndPoint or a FileHandleEndPoint, not {endPoint.GetType().Name}.", nameof(endPoint)),
        };

        string? unixFilePath = null;
        SocketConnectionFactory? connections = null;
        try
        {
            connections = new SocketConnectionFactory(options, logger);
            switch (endPoint)
            {
                case FileHandleEndPoint:
                    // An inherited descriptor may be in blocking mode, and accepted sockets inherit it;
                    // a blocking socket would turn the pumps' receives into blocking calls.
                    socket.Blocking = false;
                    break;
                case IPEndPoint ip:
                    if (ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.Address.Equals(IPAddress.IPv6Any))
                    {
                        socket.DualMode = options.DualMode;
                    }

                    ListenSocketOptions.Bind(socket, ip, options);
                    break;
                case UnixDomainSocketEndPoint unix:
                    unixFilePath = UnixSocketPath.GetFilePath(unix);
                    BindUnix(socket, unix, unixFilePath, options, logger);
                    break;
            }

            socket.Listen(options.Backlog);
            EndPoint bound = socket.LocalEndPoint ?? endPoint;
            var listener = new TcpConnectionListener(socket, bound, unixFilePath, connections, logger);
            TcpLog.Bound(logger, bound);
            return listener;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            connections?.Dispose();
            throw NetException.FromSocketException(ex, $"listen {Describe(endPoint)}");
        }
        catch
        {
            socket.Dispose();
            connections?.Dispose();
            throw;
        }
    }

    public ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default) =>
        _epoll is null ? AcceptSocketAsync(cancellationToken) : AcceptDescriptorAsync(_epoll, cancellationToken);

    private async ValueTask<ConnectionContext?> AcceptDescriptorAsync(EpollAcceptor acceptor, CancellationToken cancellationToken)
    {
        while (true)
        {
            AcceptedSocket? accepted;
            try
            {
                accepted = await acceptor.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                TcpLog.AcceptedConnectionGone(_logger, EndPoint, NetErrorCode.FromSocketError(ex.SocketErrorCode));
                continue;
            }
            catch (SocketException) when (Volatile.Read(ref _unbound) != 0)
            {
                return null;
            }
            catch (SocketException ex)
            {
                throw NetException.FromSocketException(ex, $"accept {Describe(EndPoint)}");
            }

            if (accepted is not { } connection)
            {
                return null; // Unbound.
            }

            try
            {
                return _connections.Create(connection, _listenSocket.AddressFamily);
            }
            catch (NetException ex)
            {
                // Setting TCP_NODELAY on a socket the peer already reset fails; drop it and go on.
                TcpLog.AcceptedConnectionGone(_logger, EndPoint, ex.Code);
                connection.Handle.Dispose();
            }
        }
    }

    private async ValueTask<ConnectionContext?> AcceptSocketAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listenSocket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null; // Unbound.
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.OperationAborted && Volatile.Read(ref _unbound) != 0)
            {
                return null;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // The peer gave up while queued in the backlog: nothing to serve, keep accepting.
                TcpLog.AcceptedConnectionGone(_logger, EndPoint, NetErrorCode.FromSocketError(ex.SocketErrorCode));
                continue;
            }
            catch (SocketException ex)
            {
                throw NetException.FromSocketException(ex, $"accept {Describe(EndPoint)}");
            }

            try
            {
                return _connections.Create(socket);
            }
            catch (SocketException ex)
            {
                // Reading the endpoints of a socket the peer already reset fails; drop it and go on.
                TcpLog.AcceptedConnectionGone(_logger, EndPoint, NetErrorCode.FromSocketError(ex.SocketErrorCode));
                socket.Dispose();
            }
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unbound, 1) == 0)
        {
            _epoll?.Close();
            _listenSocket.Dispose();
            if (_unixFilePath is not null)
            {
                // As Node: the server that created the socket file removes it when it stops listening.
                File.Delete(_unixFilePath);
            }
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync().ConfigureAwait(false);
        _connections.Dispose();
    }

    internal static string Describe(EndPoint endPoint) => endPoint switch
    {
        UnixDomainSocketEndPoint unix => "unix:" + unix,
        FileHandleEndPoint handle => "fd:" + handle.FileHandle,
        _ => endPoint.ToString() ?? endPoint.GetType().Name,
    };

    private static void BindUnix(Socket socket, UnixDomainSocketEndPoint endPoint, string? path, TcpTransportOptions options, ILogger logger)
    {
        try
        {
            socket.Bind(endPoint);
            return;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && path is not null)
        {
            if (!UnixSocketPath.IsSocketFile(path))
            {
                throw new NetException(NetErrorCode.AddressInUse, $"listen unix:{path}: the path exists and is not a socket; PipeNet never removes it.", ex);
            }

            if (UnixSocketPath.IsLive(endPoint))
            {
                throw new NetException(NetErrorCode.AddressInUse, $"listen unix:{path}: another server is accepting connections on this socket.", ex);
            }

            if (!options.UnlinkStaleUnixSocket)
            {
                throw new NetException(NetErrorCode.AddressInUse, $"listen unix:{path}: a stale socket file is in the way (nothing accepts on it); delete it or set UnlinkStaleUnixSocket.", ex);
            }
        }

        File.Delete(path);
        TcpLog.StaleUnixSocketRemoved(logger, path);
        socket.Bind(endPoint);
    }
}
