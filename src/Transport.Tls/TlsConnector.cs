using System.Net;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Transport.Tls;

/// <summary>An <see cref="IConnectionFactory"/> that connects with another factory, then runs the TLS client handshake.</summary>
/// <param name="inner">The transport that opens the connection (for example <c>TcpConnector</c>).</param>
/// <param name="options">The TLS options for every connection; the defaults when <c>null</c>.</param>
public sealed class TlsConnector(IConnectionFactory inner, TlsClientOptions? options = null) : IConnectionFactory
{
    private readonly IConnectionFactory _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly TlsClientOptions _options = options ?? new TlsClientOptions();

    /// <summary>Connects to <paramref name="endpoint"/> and handshakes; a <see cref="DnsEndPoint"/>'s host name is the SNI name.</summary>
    /// <param name="endpoint">Where to connect.</param>
    /// <param name="cancellationToken">Cancels the connect and the handshake.</param>
    /// <returns>The TLS connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is <c>null</c>.</exception>
    /// <exception cref="NetException">The connect failed, or a <see cref="TlsException"/> for the handshake.</exception>
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ConnectionContext connection = await _inner.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        string? host = endpoint is DnsEndPoint dns ? dns.Host : null;
        return await TlsClient.AuthenticateAsync(connection, _options, host, cancellationToken).ConfigureAwait(false);
    }
}
