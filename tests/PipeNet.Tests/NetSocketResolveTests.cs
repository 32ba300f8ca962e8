using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using PipeNet.Resolver;

namespace PipeNet.Tests;

/// <summary>Connect through a configured resolver: lookup, family, and the Happy Eyeballs race on real loopback sockets.</summary>
public sealed class NetSocketResolveTests(DnsmasqFixture fixture) : IClassFixture<DnsmasqFixture>
{
    private HostResolver Resolver()
    {
        var options = new HostResolverOptions();
        options.Servers.Add(fixture.Server.Server);
        return new HostResolver(options);
    }

    /// <summary>
    /// A listener on 127.0.0.1 and, on [::1] at the same port, a socket bound but not listening (it refuses, and keeps
    /// the port ours): web.pipenet.test resolves to both.
    /// </summary>
    private static (Socket Listener, Socket Refuser, int Port) ListenOnIPv4Only()
    {
        for (int attempt = 0; ; attempt++)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            var refuser = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                refuser.Bind(new IPEndPoint(IPAddress.IPv6Loopback, port));
                return (listener, refuser, port);
            }
            catch (SocketException) when (attempt < 20)
            {
                listener.Dispose();
                refuser.Dispose();
            }
        }
    }

    private async Task<(List<string> Events, NetSocket Socket)> ConnectAsync(SocketOptions options)
    {
        var events = new ConcurrentQueue<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new NetSocket(options)
            .OnLookup(r => events.Enqueue($"lookup {r.Address} {r.Family} {NetException.GetCode(r.Error)}"))
            .OnConnectionAttempt(a => events.Enqueue($"attempt {a.Address} {a.Family}"))
            .OnConnectionAttemptFailed(a => events.Enqueue($"failed {a.Address} {NetException.GetCode(a.Error)}"))
            .OnConnectionAttemptTimeout(a => events.Enqueue($"timeout {a.Address}"))
            .OnConnect(() => { events.Enqueue("connect"); done.TrySetResult(); })
            .OnError(e => { events.Enqueue($"error {NetException.GetCode(e)}"); done.TrySetResult(); });
        socket.Connect(options);
        await done.Task.WithTimeout();
        return ([.. events], socket);
    }

    [Fact]
    public async Task WhenIPv6RefusesTheConnectSucceedsOverIPv4AndReportsBothAttempts()
    {
        (Socket listener, Socket refuser, int port) = ListenOnIPv4Only();
        using (listener)
        using (refuser)
        {
            // The refusal, not the attempt delay, starts the IPv4 attempt: a long delay keeps a loaded machine from
            // letting the 250 ms default run out first.
            (List<string> events, NetSocket socket) = await ConnectAsync(new SocketOptions
            {
                Host = "web.pipenet.test",
                Port = port,
                Resolver = Resolver(),
                AutoSelectFamilyAttemptTimeout = TimeSpan.FromSeconds(30),
            });

            Assert.Equal(
                ["lookup ::1 6 ", "attempt ::1 6", "failed ::1 ECONNREFUSED", "attempt 127.0.0.1 4", "connect"],
                events);
            Assert.Equal("127.0.0.1", socket.RemoteAddress);
            Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Loopback], socket.HostAddresses);
            socket.Destroy();
        }
    }

    [Fact]
    public async Task WhenIPv6HangsIPv4StartsAfterTheAttemptDelayAndWins()
    {
        // [::1]:port listens with a backlog of one, already taken: the kernel drops further SYNs, so a connect
        // there hangs (as to a black-holed IPv6 route), while 127.0.0.1:port accepts.
        (Socket listener, Socket refuser, int port) = ListenOnIPv4Only();
        using (listener)
        using (refuser)
        {
            refuser.Listen(0);
            using var filler = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            await filler.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, port)).WithTimeout();

            (List<string> events, NetSocket socket) = await ConnectAsync(new SocketOptions
            {
                Host = "web.pipenet.test",
                Port = port,
                Resolver = Resolver(),
                AutoSelectFamilyAttemptTimeout = TimeSpan.FromMilliseconds(100),
            });

            Assert.Equal(["lookup ::1 6 ", "attempt ::1 6", "timeout ::1", "attempt 127.0.0.1 4", "connect"], events);
            Assert.Equal("127.0.0.1", socket.RemoteAddress);
            socket.Destroy();
        }
    }

    [Fact]
    public async Task WithoutAutoSelectFamilyTheAddressesAreTriedInTurn()
    {
        (Socket listener, Socket refuser, int port) = ListenOnIPv4Only();
        using (listener)
        using (refuser)
        {
            (List<string> events, NetSocket socket) = await ConnectAsync(new SocketOptions { Host = "web.pipenet.test", Port = port, Resolver = Resolver(), AutoSelectFamily = false });

            Assert.Equal(
                ["lookup ::1 6 ", "attempt ::1 6", "failed ::1 ECONNREFUSED", "attempt 127.0.0.1 4", "connect"],
                events);
            socket.Destroy();
        }
    }

    [Fact]
    public async Task Family4TriesOnlyIPv4()
    {
        (Socket listener, Socket refuser, int port) = ListenOnIPv4Only();
        using (listener)
        using (refuser)
        {
            (List<string> events, NetSocket socket) = await ConnectAsync(new SocketOptions { Host = "web.pipenet.test", Port = port, Resolver = Resolver(), Family = 4 });

            Assert.Equal(["lookup 127.0.0.1 4 ", "attempt 127.0.0.1 4", "connect"], events);
            socket.Destroy();
        }
    }

    [Fact]
    public async Task Family6TriesOnlyIPv6()
    {
        (Socket listener, Socket refuser, int port) = ListenOnIPv4Only();
        using (listener)
        using (refuser)
        {
            (List<string> events, _) = await ConnectAsync(new SocketOptions { Host = "web.pipenet.test", Port = port, Resolver = Resolver(), Family = 6 });

            Assert.Equal(["lookup ::1 6 ", "attempt ::1 6", "failed ::1 ECONNREFUSED", "error ECONNREFUSED"], events);
        }
    }

    [Fact]
    public async Task AnUnknownNameIsALookupErrorWithEnotfound()
    {
        (List<string> events, _) = await ConnectAsync(new SocketOptions { Host = "missing.pipenet.test", Port = 9, Resolver = Resolver() });

        Assert.Equal(["lookup  0 ENOTFOUND", "error ENOTFOUND"], events);
    }

    [Fact]
    public async Task AnInvalidHostNameIsALookupErrorNotACrash()
    {
        (List<string> events, _) = await ConnectAsync(new SocketOptions { Host = "bad name.example", Port = 9, Resolver = Resolver() });

        Assert.Equal(["lookup  0 ENOTFOUND", "error ENOTFOUND"], events);
    }

    [Fact]
    public async Task EveryAddressRefusingIsOneErrorListingBoth()
    {
        using var refuser4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        refuser4.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)refuser4.LocalEndPoint!).Port;
        var errors = new ConcurrentQueue<Exception>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        new NetSocket().OnError(errors.Enqueue).OnClose(_ => closed.TrySetResult())
            .Connect(new SocketOptions { Host = "web.pipenet.test", Port = port, Resolver = Resolver() });
        await closed.Task.WithTimeout();

        var error = Assert.IsType<NetException>(Assert.Single(errors));
        Assert.Equal(NetErrorCode.ConnectionRefused, error.Code);
        Assert.Contains("all 2 connection attempts failed", error.Message, StringComparison.Ordinal);
    }
}
