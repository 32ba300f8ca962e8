using System.Net;
using System.Net.Sockets;

namespace PipeNet.Tests;

/// <summary>cio's relisten: a Listen that meets EADDRINUSE is retried on the server's clock; nothing else is.</summary>
public sealed class ListenRetryTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(7); // distinct from the dispatcher's heartbeat timer

    [Fact]
    public async Task APortReleasedAfterTheFirstRetryIsListenedOn()
    {
        using Socket occupant = Occupy(out int port);
        var clock = new WatchedClock();
        var errors = new List<Exception>();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        NetServer server = Net.CreateServer(new ServerOptions { TimeProvider = clock, RetryDelay = Delay })
            .OnError(errors.Add)
            .OnListening(() => listening.SetResult());
        server.Listen(port, "127.0.0.1");

        await clock.WaitForTimersAsync(Delay, 1); // the first bind met EADDRINUSE
        Assert.False(server.Listening);
        occupant.Dispose();
        clock.Advance(Delay);

        await listening.Task.WithTimeout();
        Assert.True(server.Listening);
        Assert.Equal(port, server.Port);
        Assert.Empty(errors);
        Assert.Equal(1, clock.TimersSet(Delay));

        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WithTimeout(); // really listening
        }

        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task APortNeverReleasedRaisesEaddrinuseAfterTheLastRetry()
    {
        using Socket occupant = Occupy(out int port);
        var clock = new WatchedClock();
        var error = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        NetServer server = Net.CreateServer(new ServerOptions { TimeProvider = clock, RetryDelay = Delay, MaxRetries = 3 })
            .OnError(e => error.SetResult(e))
            .OnListening(() => Assert.Fail("listened on an occupied port"));
        server.Listen(port, "127.0.0.1");

        for (int retry = 1; retry <= 3; retry++)
        {
            await clock.WaitForTimersAsync(Delay, retry);
            Assert.False(error.Task.IsCompleted, $"error raised before retry {retry}");
            clock.Advance(Delay);
        }

        var failure = Assert.IsType<NetException>(await error.Task.WithTimeout());
        Assert.Equal(NetErrorCode.AddressInUse, failure.Code);
        Assert.Equal(3, clock.TimersSet(Delay)); // four attempts, three waits
        Assert.False(server.Listening);
    }

    [Fact]
    public async Task NoRelistenRaisesTheErrorAtOnce()
    {
        using Socket occupant = Occupy(out int port);
        var clock = new WatchedClock();
        var error = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Net.CreateServer(new ServerOptions { TimeProvider = clock, RetryDelay = Delay, NoRelisten = true })
            .OnError(e => error.SetResult(e))
            .Listen(port, "127.0.0.1");

        // The fake clock never moves: an error that arrives at all arrived without a retry delay.
        Assert.Equal(NetErrorCode.AddressInUse, Assert.IsType<NetException>(await error.Task.WithTimeout()).Code);
        Assert.Equal(0, clock.TimersSet(Delay));
    }

    [Fact]
    public async Task OtherBindErrorsAreNotRetried()
    {
        var clock = new WatchedClock();
        var error = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Net.CreateServer(new ServerOptions { TimeProvider = clock, RetryDelay = Delay })
            .OnError(e => error.SetResult(e))
            .Listen(0, "192.0.2.1"); // TEST-NET-1: no interface of this machine has it

        Assert.Equal(NetErrorCode.AddressNotAvailable, Assert.IsType<NetException>(await error.Task.WithTimeout()).Code);
        Assert.Equal(0, clock.TimersSet(Delay));
    }

    [Fact]
    public async Task CloseDuringTheRetryWaitStopsRetrying()
    {
        using Socket occupant = Occupy(out int port);
        var clock = new WatchedClock();
        var events = new List<string>();
        NetServer server = Net.CreateServer(new ServerOptions { TimeProvider = clock, RetryDelay = Delay })
            .OnError(e => events.Add("error"))
            .OnListening(() => events.Add("listening"));
        server.Listen(port, "127.0.0.1");
        await clock.WaitForTimersAsync(Delay, 1);

        await server.CloseAsync().WithTimeout();
        occupant.Dispose();
        clock.Advance(Delay);
        clock.Advance(Delay);

        Assert.Empty(events);
        Assert.Equal(1, clock.TimersSet(Delay));
        Assert.False(server.Listening);
    }

    [Fact]
    public void RetryOptionsRejectNegativeValues()
    {
        var options = new ServerOptions();
        Assert.Equal(TimeSpan.FromSeconds(3), options.RetryDelay);
        Assert.Equal(3, options.MaxRetries);
        Assert.False(options.NoRelisten);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.RetryDelay = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxRetries = -1);
    }

    /// <summary>A plain socket bound and listening on a loopback port, so the server's bind meets EADDRINUSE.</summary>
    private static Socket Occupy(out int port)
    {
        var occupant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        port = ((IPEndPoint)occupant.LocalEndPoint!).Port;
        return occupant;
    }
}
