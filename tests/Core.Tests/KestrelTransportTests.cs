using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace PipeNet.Tests;

/// <summary>The dispatcher carries any IConnectionListenerFactory, Kestrel's socket transport included.</summary>
public sealed class KestrelTransportTests
{
    private static SocketTransportFactory Kestrel() =>
        new(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);

    [Fact]
    public async Task EchoesOverKestrelsSocketTransportWithExactByteCounts()
    {
        var counts = new TaskCompletionSource<(long Read, long Written)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(async connection =>
        {
            await EchoApplication.RunAsync(connection);
            var bytes = connection.Features.Get<IConnectionBytesFeature>()!;
            counts.SetResult((bytes.BytesRead, bytes.BytesWritten));
        }, transport: Kestrel());

        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await client.SendAsync("through kestrel"u8.ToArray()).WithTimeout();
        Assert.Equal("through kestrel", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(15)));
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal((15L, 15L), await counts.Task.WithTimeout());
    }

    [Fact]
    public async Task PolicyAppliesToKestrelConnections()
    {
        var clock = new FakeTimeProvider();
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(async connection =>
        {
            await EchoApplication.RunAsync(connection).ContinueWith(_ => { });
            firstEnded.TrySetResult();
        }, new ConnectionDispatcherOptions { MaxConnections = 1, IdleTimeout = TimeSpan.FromSeconds(2), TimeProvider = clock }, Kestrel());
        server.Dispatcher.ConnectionDropped += (_, _) => dropped.TrySetResult();

        using Socket first = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        using Socket second = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await dropped.Task.WithTimeout();

        // The silent first connection times out on the fake clock, through Kestrel's Abort.
        for (int i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await firstEnded.Task.WithTimeout();
    }

    [Fact]
    public async Task KestrelsAddressInUseBecomesEaddrinuse()
    {
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(EchoApplication.RunAsync, transport: Kestrel());
        await using var second = new ConnectionDispatcher(EchoApplication.RunAsync);
        var error = await Assert.ThrowsAsync<NetException>(() => second.BindAsync(server.EndPoint, Kestrel()));
        Assert.Equal(NetErrorCode.AddressInUse, error.Code);
    }
}
