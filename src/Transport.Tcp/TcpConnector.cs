using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PipeNet.Transport.Tcp.Internal;

namespace PipeNet.Transport.Tcp;

/// <summary>Opens outgoing TCP and Unix socket connections as <see cref="ConnectionContext"/>s.</summary>
public sealed class TcpConnector : IConnectionFactory, IDisposable
{
    private static readonly TcpConnectOptions s_defaultConnectOptions = new();

    private readonly SocketConnectionFactory _connections;

    /// <summary>Creates a connector.</summary>
    /// <param name="options">Transport options shared by every connection it opens; the defaults when <c>null</c>.</param>
    /// <param name="loggerFactory">Where log messages go; none when <c>null</c>.</param>
    public TcpConnector(TcpTransportOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("PipeNet.Transport.Tcp");
        _connections = new SocketConnectionFactory(options ?? new TcpTransportOptions(), logger);
    }

    /// <inheritdoc cref="ConnectAsync(EndPoint, TcpConnectOptions, CancellationToken)" />
    public ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        ConnectAsync(endpoint, s_defaultConnectOptions, cancellationToken);

    /// <summary>
    /// Connects to <paramref name="endpoint"/>: an <see cref="IPEndPoint"/>, a <see cref="UnixDomainSocketEndPoint"/>,
    /// or a <see cref="DnsEndPoint"/> (its addresses are tried in the order the system resolver returns them).
    /// </summary>
    /// <param name="endpoint">Where to connect.</param>
    /// <param name="options">Local address, timeout and socket options for this connection.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The connected connection; its pumps are running.</returns>
    /// <exception cref="ArgumentNullException">An argument is <c>null</c>.</exception>
    /// <exception cref="ArgumentException">An endpoint type this transport cannot connect to.</exception>
    /// <exception cref="NetException"><c>ECONNREFUSED</c>, <c>ETIMEDOUT</c>, <c>ENOTFOUND</c>, <c>EHOSTUNREACH</c>…</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, TcpConnectOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);

        IReadOnlyList<EndPoint> targets = endpoint switch
        {
            IPEndPoint or UnixDomainSocketEndPoint => [endpoint],
            DnsEndPoint dns => await ResolveAsync(dns, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentException($"TCP connects take an IPEndPoint, a UnixDomainSocketEndPoint or a DnsEndPoint, not {endpoint.GetType().Name}.", nameof(endpoint)),
        };

        using var timeout = options.ConnectTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout?.CancelAfter(options.ConnectTimeout!.Value);
        CancellationToken token = timeout?.Token ?? cancellationToken;

        KeepAliveSettings? keepAlive = options.KeepAlive;
        keepAlive?.Validate(nameof(options));

        NetException? lastError = null;
        foreach (EndPoint target in targets)
        {
            try
            {
                SocketConnection connection = await _connections.ConnectAsync(target, options.LocalEndPoint, token).ConfigureAwait(false);
                try
                {
                    if (keepAlive is not null)
                    {
                        connection.SetKeepAlive(keepAlive.Value);
                    }

                    if (options.NoDelay is { } noDelay)
                    {
                        connection.NoDelay = noDelay;
                    }
                }
                catch
                {
                    connection.Abort(new ConnectionAbortedException("The socket options could not be applied."));
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                return connection;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout is not null)
            {
                throw new NetException(NetErrorCode.TimedOut, $"connect {TcpConnectionListener.Describe(target)}: no answer within {options.ConnectTimeout!.Value.TotalMilliseconds} ms.");
            }
            catch (SocketException ex)
            {
                lastError = NetException.FromSocketException(ex, $"connect {TcpConnectionListener.Describe(target)}");
            }
        }

        throw lastError!;
    }

    /// <summary>Releases the buffer pool. Connections still open keep working; their buffers go to the GC.</summary>
    public void Dispose() => _connections.Dispose();

    private static async Task<IReadOnlyList<EndPoint>> ResolveAsync(DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(endpoint.Host, endpoint.AddressFamily, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw NetException.FromSocketException(ex, $"lookup {endpoint.Host}");
        }

        if (addresses.Length == 0)
        {
            throw new NetException(NetErrorCode.NotFound, $"lookup {endpoint.Host}: no addresses.");
        }

        return Array.ConvertAll(addresses, a => (EndPoint)new IPEndPoint(a, endpoint.Port));
    }
}
