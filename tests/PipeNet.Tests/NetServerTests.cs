using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PipeNet.Tests;

public sealed class NetServerTests
{
    [Fact]
    public async Task DropIsRaisedForConnectionsOverMaxConnectionsWithTheirAddresses()
    {
        var drops = new List<ConnectionDroppedEventArgs>();
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Net.CreateServer(socket => socket.OnData(_ => { }))
            .SetMaxConnections(1)
            .OnDrop(e => { drops.Add(e); dropped.TrySetResult(); });
        await server.ListenAsync(0, "127.0.0.1");
        Assert.Equal(1, server.MaxConnections);

        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await first.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await second.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();

        await dropped.Task.WithTimeout();
        Assert.Equal(second.LocalEndPoint, Assert.Single(drops).RemoteEndPoint);
        Assert.Equal(1, server.ConnectionCount);

        server.SetMaxConnections(0); // rampart: 0 means no limit
        Assert.Null(server.MaxConnections);
        first.Close();
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task CloseStopsAcceptingAndRaisesCloseAfterTheLastConnectionEnds()
    {
        var connected = new TaskCompletionSource<NetSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new List<string>();
        var server = Net.CreateServer(socket => { socket.OnData(_ => { }); connected.SetResult(socket); })
            .OnListening(() => events.Add("listening"))
            .OnClose(() => events.Add("close"));
        await server.ListenAsync(0, "127.0.0.1");
        Assert.True(server.Listening);
        Assert.Equal(new ServerAddress("127.0.0.1", "IPv4", server.Port), server.Address());

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        NetSocket accepted = await connected.Task.WithTimeout();

        Exception? closeError = new InvalidOperationException("not called");
        Task closing = server.CloseAsync(e => closeError = e);
        Assert.False(closing.IsCompleted);
        await Assert.ThrowsAsync<SocketException>(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp).ConnectAsync(IPAddress.Loopback, server.Port));

        accepted.End("bye");
        client.Close();
        await closing.WithTimeout();
        Assert.Null(closeError);
        Assert.Equal(["listening", "close"], events);

        Exception? secondClose = null;
        await server.CloseAsync(e => secondClose = e);
        Assert.NotNull(secondClose); // not listening any more
    }

    [Fact]
    public async Task ListenErrorsArriveAsErrorEventsWithTheirCode()
    {
        var first = Net.CreateServer(_ => { });
        await first.ListenAsync(0, "127.0.0.1");
        var error = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Net.CreateServer(new ServerOptions { NoRelisten = true }).OnError(e => error.SetResult(e)).Listen(first.Port, "127.0.0.1");
        Assert.Equal(NetErrorCode.AddressInUse, Assert.IsType<NetException>(await error.Task.WithTimeout()).Code);
        await first.CloseAsync();
    }

    [Fact]
    public async Task ListenOptionsChooseFamilyBacklogAndLimit()
    {
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var v4 = Net.CreateServer(_ => { }).Listen(new ListenOptions { Host = "localhost", Family = 4, Backlog = 100, MaxConnections = 5 }, () => listening.SetResult());
        await listening.Task.WithTimeout();
        Assert.All(v4.EndPoints, e => Assert.Equal(AddressFamily.InterNetwork, e.AddressFamily));
        Assert.Equal(100, v4.Backlog);
        Assert.Equal(5, v4.MaxConnections);
        await v4.CloseAsync().WithTimeout();

        // Family 6 with no host: IPv6 only, so an IPv4 client is refused. The test holds 127.0.0.1 at that port (bound,
        // not listening), so that no other test's listener, nor the client's own port (a self-connect), answers there.
        NetServer v6;
        Socket v4Port;
        for (int attempt = 1; ; attempt++)
        {
            var v6Listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            v6 = Net.CreateServer(socket => socket.OnData(_ => { })).Listen(new ListenOptions { Family = 6 }, () => v6Listening.SetResult());
            await v6Listening.Task.WithTimeout();
            v4Port = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                v4Port.Bind(new IPEndPoint(IPAddress.Loopback, v6.Port));
                break;
            }
            catch (SocketException) when (attempt < 20)
            {
                v4Port.Dispose();
                await v6.CloseAsync().WithTimeout();
            }
        }

        using Socket heldPort = v4Port;
        using var ipv4Client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(() => ipv4Client.ConnectAsync(IPAddress.Loopback, v6.Port));
        using var ipv6Client = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        await ipv6Client.ConnectAsync(IPAddress.IPv6Loopback, v6.Port).WithTimeout();
        ipv6Client.Close();
        await v6.CloseAsync().WithTimeout();

        Assert.Equal("Family", Assert.Throws<ArgumentOutOfRangeException>(() => new ListenOptions { Family = 5 }).ParamName);
        Assert.Equal("Port", Assert.Throws<ArgumentOutOfRangeException>(() => new ListenOptions { Port = 70000 }).ParamName);
    }

    [Fact]
    public async Task ListensOnAllAddressesByDefaultAndOnUnixSockets()
    {
        var server = Net.CreateServer(socket => socket.OnData((ReadOnlySequence<byte> data) => { socket.End(data.ToArray()); }));
        await server.ListenAsync(0);
        foreach (IPAddress address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            using var client = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(address, server.Port).WithTimeout();
            await client.SendAsync("dual"u8.ToArray()).WithTimeout();
            byte[] buffer = new byte[4];
            Assert.Equal(4, await client.ReceiveAsync(buffer.AsMemory()).AsTask().WithTimeout());
        }

        await server.CloseAsync().WithTimeout();

        string path = Path.Combine(Path.GetTempPath(), $"pipenet-facade-{Guid.NewGuid():N}.sock");
        var unixServer = Net.CreateServer(socket => socket.OnData((ReadOnlySequence<byte> data) => { socket.End(data.ToArray()); }));
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        unixServer.Listen(path, () => listening.SetResult());
        await listening.Task.WithTimeout();
        var text = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var client2 = new NetSocket();
        client2.OnData(d => text.TrySetResult(Encoding.ASCII.GetString(d))).OnConnect(() => client2.Write("unix")).Connect(path);
        Assert.Equal("unix", await text.Task.WithTimeout());
        await unixServer.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task AcceptedSocketsChangeOnlyTheirOwnOptionsAndLaterOnesSeeTheServersNewOptions()
    {
        var options = new ServerOptions { Timeout = TimeSpan.FromSeconds(30) };
        var accepted = new List<NetSocket>();
        var three = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var two = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Net.CreateServer(options, socket =>
        {
            socket.OnData(_ => { });
            lock (accepted)
            {
                accepted.Add(socket);
                if (accepted.Count == 2)
                {
                    two.SetResult();
                }
                else if (accepted.Count == 3)
                {
                    three.SetResult();
                }
            }
        });
        await server.ListenAsync(0, "127.0.0.1");
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await first.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await second.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        await two.Task.WithTimeout();

        accepted[0].SetTimeout(1000);
        Assert.Equal(TimeSpan.FromSeconds(1), accepted[0].Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), accepted[1].Timeout);

        options.Timeout = TimeSpan.FromMinutes(1);
        using var third = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await third.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        await three.Task.WithTimeout();
        Assert.Equal(TimeSpan.FromMinutes(1), accepted[2].Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), accepted[1].Timeout);

        first.Close();
        second.Close();
        third.Close();
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task AnAcceptedSocketsCompletionCompletesAfterCloseOrFaultsWithTheErrorNobodyHandled()
    {
        var failingAccepted = new TaskCompletionSource<NetSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cleanAccepted = new TaskCompletionSource<NetSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cleanClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int connections = 0;
        var server = Net.CreateServer(socket =>
        {
            if (Interlocked.Increment(ref connections) == 1)
            {
                // Data throws and nobody handles errors: that error faults Completion.
                socket.On("data", (Action<ReadOnlySequence<byte>>)(_ => throw new InvalidOperationException("boom")));
                failingAccepted.SetResult(socket);
            }
            else
            {
                socket.OnData((ReadOnlySequence<byte> _) => { }).OnClose(_ => cleanClosed.SetResult());
                cleanAccepted.SetResult(socket);
            }
        });
        await server.ListenAsync(0, "127.0.0.1");

        using var failing = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await failing.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        await failing.SendAsync("x"u8.ToArray()).WithTimeout();
        NetSocket failed = await failingAccepted.Task.WithTimeout();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failed.Completion.WithTimeout());
        Assert.Equal("boom", error.Message);

        using var clean = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await clean.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        NetSocket accepted = await cleanAccepted.Task.WithTimeout();
        clean.Shutdown(SocketShutdown.Send);
        await cleanClosed.Task.WithTimeout();
        await accepted.Completion.WithTimeout(); // first asked for after the close
        Assert.True(accepted.Completion.IsCompletedSuccessfully);

        await server.CloseAsync().WithTimeout();
    }
}
