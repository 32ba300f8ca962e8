using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PipeNet.Tests;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>Run once per engine.</summary>
public abstract class TcpConnectorTests(TransportEngine engine)
{
    private TcpConnector NewConnector() => new(new TcpTransportOptions { Engine = engine });

    [Fact]
    public async Task ConnectsAndExchangesData()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(new TcpTransportOptions { Engine = engine });
        using var connector = NewConnector();
        await using var client = await connector.ConnectAsync(server.EndPoint).AsTask().WithTimeout();
        await using var accepted = await server.AcceptAsync();
        Task echo = EchoApplication.RunAsync(accepted);

        await client.Transport.Output.WriteAsync("ping"u8.ToArray());
        var result = await client.Transport.Input.ReadAtLeastAsync(4).WithTimeout();
        Assert.Equal("ping", Encoding.ASCII.GetString(result.Buffer));
        client.Transport.Input.AdvanceTo(result.Buffer.End);
        Assert.Equal(accepted.RemoteEndPoint, client.LocalEndPoint);
        Assert.Equal(server.EndPoint, client.RemoteEndPoint);
    }

    [Fact]
    public async Task AServerThatAnswersAndClosesAtOnceIsReadToItsEnd()
    {
        // The server's data and FIN may reach the client before the connect's registration becomes the
        // connection's; the end of stream must not be lost with it.
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        Task serve = Task.Run(async () =>
        {
            for (int i = 0; i < 20; i++)
            {
                using var peer = await listener.AcceptAsync();
                await peer.SendAsync("bye"u8.ToArray());
                peer.Shutdown(System.Net.Sockets.SocketShutdown.Both);
            }
        });

        using var connector = NewConnector();
        for (int i = 0; i < 20; i++)
        {
            await using var client = await connector.ConnectAsync(listener.LocalEndPoint!).AsTask().WithTimeout();
            long received = 0;
            while (true)
            {
                ReadResult result = await client.Transport.Input.ReadAsync().AsTask().WithTimeout();
                received += result.Buffer.Length;
                client.Transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            Assert.Equal(3, received);
        }

        await serve.WithTimeout();
    }

    [Fact]
    public async Task RefusedConnectFailsWithEconnrefused()
    {
        // A port bound but not listening refuses connections, and stays ours for the whole test.
        using var refuser = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        refuser.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint closed = refuser.LocalEndPoint!;

        using var connector = NewConnector();
        var error = await Assert.ThrowsAsync<NetException>(() => connector.ConnectAsync(closed).AsTask().WithTimeout());
        Assert.Equal(NetErrorCode.ConnectionRefused, error.Code);
        Assert.Contains(closed.ToString()!, error.Message);
    }

    [Fact]
    public async Task BindsTheRequestedLocalEndPointFirst()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(new TcpTransportOptions { Engine = engine });
        using var connector = NewConnector();
        var local = new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0);
        await using var client = await connector.ConnectAsync(server.EndPoint, new TcpConnectOptions { LocalEndPoint = local }).AsTask().WithTimeout();
        await using var accepted = await server.AcceptAsync();
        Assert.Equal(IPAddress.Parse("127.0.0.2"), ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }

    [Fact]
    public async Task ConnectTimeoutFailsWithEtimedout()
    {
        // A listener whose backlog is full and that never accepts: further SYNs are dropped by the
        // kernel, so a connect waits until our timeout.
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(0);
        var fillers = new List<Socket>();
        using var connector = NewConnector();
        var options = new TcpConnectOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) };
        try
        {
            NetException? timedOut = null;
            for (int i = 0; i < 16 && timedOut is null; i++)
            {
                try
                {
                    await using var c = await connector.ConnectAsync(full.LocalEndPoint!, options).AsTask().WithTimeout();
                    var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    fillers.Add(filler);
                }
                catch (NetException ex)
                {
                    timedOut = ex;
                }
            }

            Assert.NotNull(timedOut);
            Assert.Equal(NetErrorCode.TimedOut, timedOut.Code);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task ConnectsToAUnixSocketAndToAHostName()
    {
        string path = Path.Combine(Path.GetTempPath(), $"pipenet-{Guid.NewGuid():N}.sock");
        await using (ListenerHarness unixServer = await ListenerHarness.StartAsync(new UnixDomainSocketEndPoint(path)))
        {
            using var connector = NewConnector();
            await using var client = await connector.ConnectAsync(new UnixDomainSocketEndPoint(path)).AsTask().WithTimeout();
            await using var accepted = await unixServer.AcceptAsync();
            Assert.False(client.Features.Get<ISocketOptionsFeature>()!.NoDelay);
        }

        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(new TcpTransportOptions { Engine = engine });
        using var byName = NewConnector();
        await using var named = await byName.ConnectAsync(new DnsEndPoint("localhost", ((IPEndPoint)server.EndPoint).Port)).AsTask().WithTimeout();
        Assert.NotNull(named.RemoteEndPoint);
    }

    [Fact]
    public async Task RejectsBadArguments()
    {
        using var connector = NewConnector();
        await Assert.ThrowsAsync<ArgumentNullException>(() => connector.ConnectAsync(null!).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => connector.ConnectAsync(new IPEndPoint(IPAddress.Loopback, 1), null!).AsTask());
        var wrongType = await Assert.ThrowsAsync<ArgumentException>(() => connector.ConnectAsync(new FakeEndPoint()).AsTask());
        Assert.Equal("endpoint", wrongType.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TcpConnectOptions { ConnectTimeout = TimeSpan.Zero });
    }

    private sealed class FakeEndPoint : EndPoint;
}

public sealed class TcpConnectorTestsOnEpoll() : TcpConnectorTests(TransportEngine.Epoll);

public sealed class TcpConnectorTestsOnSockets() : TcpConnectorTests(TransportEngine.Sockets);
