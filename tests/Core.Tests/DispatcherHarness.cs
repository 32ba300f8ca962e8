using System.Net;
using Microsoft.AspNetCore.Connections;
using PipeNet.Transport.Tcp;

namespace PipeNet.Tests;

/// <summary>A dispatcher bound to a loopback port with PipeNet's TCP transport.</summary>
internal sealed class DispatcherHarness : IAsyncDisposable
{
    private DispatcherHarness(ConnectionDispatcher dispatcher, EndPoint endPoint)
    {
        Dispatcher = dispatcher;
        EndPoint = endPoint;
    }

    public ConnectionDispatcher Dispatcher { get; }

    public EndPoint EndPoint { get; }

    public static async Task<DispatcherHarness> StartAsync(ConnectionDelegate application, ConnectionDispatcherOptions? options = null, IConnectionListenerFactory? transport = null)
    {
        var dispatcher = new ConnectionDispatcher(application, options);
        EndPoint endPoint = await dispatcher.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), transport ?? new TcpListenerFactory()).WithTimeout();
        return new DispatcherHarness(dispatcher, endPoint);
    }

    public async ValueTask DisposeAsync() => await Dispatcher.StopAsync(TimeSpan.FromSeconds(5)).WithTimeout();
}
