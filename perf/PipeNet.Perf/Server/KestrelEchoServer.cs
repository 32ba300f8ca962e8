using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PipeNet.Perf.Server;

/// <summary>
/// The reference: Kestrel's socket transport used directly (default <see cref="SocketTransportOptions"/>),
/// with a bare accept loop and the same pipe echo, so only the transports differ. With a certificate it speaks TLS
/// the way Kestrel's HTTPS middleware does: <see cref="SslStream"/> over the connection's pipes.
/// </summary>
internal sealed class KestrelEchoServer(EchoCounters counters, X509Certificate2? certificate = null) : IEchoServer
{
    private IConnectionListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;

    public async Task<IPEndPoint> StartAsync()
    {
        var factory = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);
        _listener = await factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        _acceptLoop = AcceptLoopAsync(_listener);
        return (IPEndPoint)_listener.EndPoint;
    }

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.UnbindAsync();
            await _acceptLoop;
            await _listener.DisposeAsync();
        }
    }

    private async Task AcceptLoopAsync(IConnectionListener listener)
    {
        while (await listener.AcceptAsync() is { } connection)
        {
            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(ConnectionContext connection)
    {
        counters.ConnectionOpened();
        try
        {
            if (certificate is null)
            {
                await PipeEcho.RunAsync(connection.Transport, counters);
            }
            else
            {
                await using var tls = new SslStream(new DuplexPipeStream(connection.Transport));
                await tls.AuthenticateAsServerAsync(ServerCertificate.ServerOptions(certificate));
                await StreamEcho.RunAsync(tls, counters);
            }
        }
        catch (Exception ex) when (ex is ConnectionResetException or ConnectionAbortedException or IOException or System.Security.Authentication.AuthenticationException)
        {
            // A load generator that stops mid-stream resets its connections; that is the end of this one.
        }
        finally
        {
            await connection.Transport.Input.CompleteAsync();
            await connection.Transport.Output.CompleteAsync();
            await connection.DisposeAsync();
            counters.ConnectionClosed();
        }
    }
}
