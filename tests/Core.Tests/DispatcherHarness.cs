using System.Net;
using System.Net.Sockets;
using System.Text;
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

    /// <summary>
    /// Connects two clients and sends "boom" (which the application fails on) from one: that one sees its connection end,
    /// and the other is still echoed. Returns the good client, still connected.
    /// </summary>
    public async Task<Socket> AssertAFailureEndsOnlyItsOwnConnectionAsync()
    {
        Socket good = await SocketTestExtensions.ConnectAsync(EndPoint);
        using (Socket bad = await SocketTestExtensions.ConnectAsync(EndPoint))
        {
            await bad.SendAsync("boom"u8.ToArray()).WithTimeout();
            Assert.Equal(0, await bad.ReceiveToEndAsync());
        }

        await good.SendAsync("fine"u8.ToArray()).WithTimeout();
        Assert.Equal("fine", Encoding.ASCII.GetString(await good.ReceiveExactlyAsync(4)));
        return good;
    }

    public async ValueTask DisposeAsync() => await Dispatcher.StopAsync(TimeSpan.FromSeconds(5)).WithTimeout();
}
