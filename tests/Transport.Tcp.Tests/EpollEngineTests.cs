using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using PipeNet.Tests;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>What only the epoll engine has to prove: where code runs, slot reuse, and its option.</summary>
public sealed class EpollEngineTests
{
    [Fact]
    public void EngineRejectsAValueThatIsNotAnEngine()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TcpTransportOptions { Engine = (TransportEngine)7 });
        Assert.Equal("Engine", error.ParamName);
    }

    [Fact]
    public void AutoIsTheDefault() => Assert.Equal(TransportEngine.Auto, new TcpTransportOptions().Engine);

    [Theory]
    [InlineData(TransportEngine.Epoll, false, true)]
    [InlineData(TransportEngine.Auto, false, true)]
    [InlineData(TransportEngine.Epoll, true, false)]
    [InlineData(TransportEngine.Sockets, false, false)]
    public async Task TheApplicationRunsOnTheEpollLoopUnlessDispatchedOrPortable(TransportEngine engine, bool dispatchToThreadPool, bool onLoop)
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(new TcpTransportOptions { Engine = engine, DispatchToThreadPool = dispatchToThreadPool });
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using ConnectionContext connection = await server.AcceptAsync();

        // Awaited without the test's synchronization context: the continuation runs where the pipe resumes it.
        static async Task<string?> ThreadOfNextReadAsync(PipeReader input)
        {
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            input.AdvanceTo(result.Buffer.End);
            return Thread.CurrentThread.Name;
        }

        Task<string?> thread = ThreadOfNextReadAsync(connection.Transport.Input);
        await client.SendAsync(new byte[] { 1 });
        string? name = await thread.WithTimeout();

        Assert.Equal(onLoop, name?.StartsWith("PipeNet epoll", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task ThousandsOfShortConnectionsReuseSlotsWithoutCrossTalk()
    {
        // Connections open and close while others carry data, so epoll slots are freed and reused under
        // live traffic; a stale event reaching the wrong connection would corrupt or stall an echo.
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(new TcpTransportOptions { Engine = TransportEngine.Epoll });
        using var stop = new CancellationTokenSource();
        Task serving = ServeAsync(server, stop.Token);

        const int Clients = 16;
        const int ConnectionsEach = 64;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            for (int i = 0; i < ConnectionsEach; i++)
            {
                byte[] payload = BitConverter.GetBytes((client * 100_000) + i);
                using Socket socket = await SocketTestExtensions.ConnectAsync(server.EndPoint);
                await socket.SendAsync(payload);
                Assert.Equal(payload, await socket.ReceiveExactlyAsync(payload.Length));
                socket.Shutdown(SocketShutdown.Send);
                Assert.Equal(0, await socket.ReceiveToEndAsync());
            }
        })).WithTimeout(TimeSpan.FromSeconds(60));

        stop.Cancel();
        await serving.WithTimeout();
    }

    private static async Task ServeAsync(ListenerHarness server, CancellationToken stop)
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                ConnectionContext connection = await server.AcceptWithTokenAsync(stop);
                connections.Add(Task.Run(async () =>
                {
                    await EchoApplication.RunAsync(connection);
                    await connection.DisposeAsync();
                }));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections);
    }
}

/// <summary>A peer that floods one connection must not starve the other connections of its loop.</summary>
public sealed class EpollFairnessTests
{
    [Fact]
    public async Task AFloodingPeerDoesNotStarveAnotherConnectionOnTheSameLoop()
    {
        // One I/O loop: both connections share its thread.
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(new TcpTransportOptions { Engine = TransportEngine.Epoll, IOQueueCount = 1 });
        using Socket flooder = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using ConnectionContext flooded = await server.AcceptAsync();
        using Socket pinger = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using ConnectionContext pinged = await server.AcceptAsync();

        using var stop = new CancellationTokenSource();
        Task drain = DrainAsync(flooded.Transport.Input);
        Task echo = EchoApplication.RunAsync(pinged);
        Task flood = Task.Run(async () =>
        {
            byte[] chunk = new byte[64 * 1024];
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await flooder.SendAsync(chunk, SocketFlags.None, stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        // While the flood runs, round trips on the other connection keep completing.
        byte[] ping = [42];
        for (int i = 0; i < 200; i++)
        {
            await pinger.SendAsync(ping).WithTimeout();
            Assert.Equal(ping, await pinger.ReceiveExactlyAsync(1).WithTimeout());
        }

        stop.Cancel();
        await flood.WithTimeout();
        flooder.Shutdown(SocketShutdown.Send);
        await drain.WithTimeout();
        pinger.Shutdown(SocketShutdown.Send);
        await echo.WithTimeout();
    }

    private static async Task DrainAsync(System.IO.Pipelines.PipeReader input)
    {
        while (true)
        {
            var result = await input.ReadAsync();

            // A handler with real work per read (here ~10-20 us), so the flood outruns it and the socket never drains.
            Thread.SpinWait(20_000);
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
