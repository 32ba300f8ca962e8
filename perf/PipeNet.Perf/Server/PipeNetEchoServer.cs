using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tcp;
using PipeNet.Transport.Tls;

namespace PipeNet.Perf.Server;

/// <summary>
/// PipeNet as a user runs it: a <see cref="ConnectionDispatcher"/> over <see cref="TcpListenerFactory"/>, default options;
/// with a certificate, the TLS middleware (<c>UseTls</c>) in front of the same pipe echo.
/// </summary>
internal sealed class PipeNetEchoServer(EchoCounters counters, X509Certificate2? certificate = null) : IEchoServer
{
    private ConnectionDispatcher? _dispatcher;

    public async Task<IPEndPoint> StartAsync()
    {
        IConnectionBuilder pipeline = ConnectionPipeline.CreateBuilder();
        if (certificate is not null)
        {
            pipeline.UseTls(new TlsServerOptions { ServerCertificate = TlsCertificate.FromCertificate(certificate) });
        }

        _dispatcher = new ConnectionDispatcher(pipeline.Run(async connection =>
        {
            counters.ConnectionOpened();
            try
            {
                await PipeEcho.RunAsync(connection.Transport, counters);
            }
            finally
            {
                counters.ConnectionClosed();
            }
        }).Build());
        EndPoint bound = await _dispatcher.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), new TcpListenerFactory());
        return (IPEndPoint)bound;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dispatcher is not null)
        {
            await _dispatcher.StopAsync(TimeSpan.FromSeconds(1));
        }
    }
}
