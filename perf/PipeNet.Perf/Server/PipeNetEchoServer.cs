using System.Net;
using PipeNet.Transport.Tcp;

namespace PipeNet.Perf.Server;

/// <summary>PipeNet as a user runs it: a <see cref="ConnectionDispatcher"/> over <see cref="TcpListenerFactory"/>, default options.</summary>
internal sealed class PipeNetEchoServer(EchoCounters counters) : IEchoServer
{
    private ConnectionDispatcher? _dispatcher;

    public async Task<IPEndPoint> StartAsync()
    {
        _dispatcher = new ConnectionDispatcher(async connection =>
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
        });
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
