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
