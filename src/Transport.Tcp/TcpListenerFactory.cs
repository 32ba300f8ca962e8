using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PipeNet.Transport.Tcp.Internal;

namespace PipeNet.Transport.Tcp;

/// <summary>
/// Binds TCP (IPv4, IPv6, dual-stack) and Unix domain sockets, and adopts already-listening socket
/// handles (systemd socket activation, fd passing), as <see cref="IConnectionListener"/>s whose
/// connections are <see cref="ConnectionContext"/>s backed by two pipes.
/// </summary>
public sealed class TcpListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly TcpTransportOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a factory.</summary>
    /// <param name="options">Transport options; the defaults when <c>null</c>.</param>
    /// <param name="loggerFactory">Where log messages go; none when <c>null</c>.</param>
    public TcpListenerFactory(TcpTransportOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? new TcpTransportOptions();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PipeNet.Transport.Tcp");
    }

    /// <summary>
    /// Binds and listens on <paramref name="endpoint"/>: an <see cref="IPEndPoint"/> (port 0 picks a free
    /// port; <see cref="IPAddress.IPv6Any"/> is dual-stack unless <see cref="TcpTransportOptions.DualMode"/>
    /// is off), a <see cref="UnixDomainSocketEndPoint"/> (a path, or an abstract name starting with NUL),
    /// or a <see cref="FileHandleEndPoint"/> holding a socket that is already bound.
    /// </summary>
    /// <param name="endpoint">Where to listen.</param>
    /// <param name="cancellationToken">Unused: binding does not wait.</param>
    /// <returns>The listener; its <see cref="IConnectionListener.EndPoint"/> carries the real port.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">An endpoint type this transport cannot listen on.</exception>
    /// <exception cref="NetException">The bind failed: <c>EADDRINUSE</c>, <c>EACCES</c>, <c>EADDRNOTAVAIL</c>…</exception>
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return ValueTask.FromResult<IConnectionListener>(TcpConnectionListener.Bind(endpoint, _options, _logger));
    }

    /// <summary>Whether this factory can listen on <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns><c>true</c> for IP, Unix socket and file-handle endpoints.</returns>
    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint or UnixDomainSocketEndPoint or FileHandleEndPoint;
}
