using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using PipeNet.Transport.Tls;

namespace PipeNet.Perf.Server;

/// <summary>PipeNet's event facade as a Node user writes it: <c>data</c> handler writing the buffers straight back (over TLS with a certificate).</summary>
internal sealed class FacadeEchoServer(EchoCounters counters, X509Certificate2? certificate = null) : IEchoServer
{
    private NetServer? _server;

    public async Task<IPEndPoint> StartAsync()
    {
        ServerOptions options = certificate is null
            ? new ServerOptions()
            : new ServerOptions { TlsOptions = new TlsServerOptions { ServerCertificate = TlsCertificate.FromCertificate(certificate) } };
        _server = Net.CreateServer(options, socket =>
        {
            counters.ConnectionOpened();
            socket.OnData((ReadOnlySequence<byte> data) =>
                {
                    foreach (ReadOnlyMemory<byte> segment in data)
                    {
                        socket.Write(segment.Span);
                    }

                    counters.Echoed(data.Length);
                })
                .OnError(_ => counters.ExceptionThrown())
                .OnClose(_ => counters.ConnectionClosed());
        });
        IReadOnlyList<EndPoint> bound = await _server.ListenAsync(0, "127.0.0.1");
        return (IPEndPoint)bound[0];
    }

    public ValueTask DisposeAsync()
    {
        // Stops accepting; the harness ends the process, so open connections need not be waited for.
        _server?.Close();
        return ValueTask.CompletedTask;
    }
}
