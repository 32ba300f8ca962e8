using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace PipeNet.Tests;

public sealed class ReconnectingSocketTests
{
    /// <summary>A server that records what it receives and can drop its connections.</summary>
    private sealed class RecordingServer : IAsyncDisposable
    {
        private readonly ConcurrentBag<NetSocket> _sockets = [];
        private readonly NetServer _server;

        private RecordingServer(NetServer server) => _server = server;

        public Channel<string> Received { get; } = Channel.CreateUnbounded<string>();

        private Channel<NetSocket> Accepted { get; } = Channel.CreateUnbounded<NetSocket>();

        public int Port => _server.Port;

        public static async Task<RecordingServer> StartAsync(int port = 0)
        {
            RecordingServer? self = null;
            var server = Net.CreateServer(socket =>
            {
                self!._sockets.Add(socket);
                self.Accepted.Writer.TryWrite(socket);
                socket.OnData((ReadOnlySequence<byte> data) => self.Received.Writer.TryWrite(Encoding.ASCII.GetString(data))).OnError(_ => { });
            });
            self = new RecordingServer(server);
            await server.ListenAsync(port, "127.0.0.1").WithTimeout();
            return self;
        }

        /// <summary>
        /// Waits for the server to have accepted the next connection: a client's connect completes in the kernel's
        /// backlog, before the server has the socket, and only sockets it has can be dropped.
        /// </summary>
        public Task AcceptedAsync() => Accepted.Reader.ReadAsync().AsTask().WithTimeout();

        public async Task<string> ReceiveAsync(int length)
        {
            var text = new StringBuilder();
            while (text.Length < length)
            {
                text.Append(await Received.Reader.ReadAsync().AsTask().WithTimeout());
            }

            return text.ToString();
        }

        public async ValueTask DisposeAsync()
        {
            foreach (NetSocket socket in _sockets)
            {
                socket.Destroy();
            }

            await _server.CloseAsync().WithTimeout();
        }
    }

    private static ReconnectOptions NoJitter(FakeTimeProvider clock, int? maxAttempts = null) =>
        new() { TimeProvider = clock, Jitter = 0, InitialDelay = TimeSpan.FromMilliseconds(100), MaxAttempts = maxAttempts };

    private static Channel<string> Record(ReconnectingSocket socket)
    {
        var log = Channel.CreateUnbounded<string>();
        socket.OnConnect(() => log.Writer.TryWrite("connect"))
            .OnReconnect(attempts => log.Writer.TryWrite($"reconnect {attempts}"))
            .OnReconnecting((attempt, delay) => log.Writer.TryWrite($"reconnecting {attempt} {delay.TotalMilliseconds}ms"))
            .OnDisconnect(error => log.Writer.TryWrite("disconnect"))
            .OnError(error => log.Writer.TryWrite($"error {NetException.GetCode(error)}"))
            .OnClose(hadError => log.Writer.TryWrite($"close {hadError}"));
        return log;
    }

    /// <summary>A loopback port a server just stopped listening on: connects to it are refused.</summary>
    private static async Task<int> UnusedPortAsync()
    {
        await using RecordingServer gone = await RecordingServer.StartAsync();
        return gone.Port;
    }

    private static Task<string> NextAsync(Channel<string> log) => log.Reader.ReadAsync().AsTask().WithTimeout();

    [Fact]
    public async Task ComesBackWhenTheServerIsRestartedOnTheSamePortAndSendsWhatWasWrittenMeanwhile()
    {
        var clock = new FakeTimeProvider();
        RecordingServer server = await RecordingServer.StartAsync();
        int port = server.Port;
        var client = new ReconnectingSocket(new SocketOptions { Port = port }, NoJitter(clock));
        Channel<string> log = Record(client);

        client.Connect();
        Assert.Equal("connect", await NextAsync(log));
        await server.AcceptedAsync();
        client.Write("one;");
        Assert.Equal("one;", await server.ReceiveAsync(4));

        await server.DisposeAsync();
        Assert.Equal("disconnect", await NextAsync(log));
        Assert.Equal("reconnecting 1 100ms", await NextAsync(log));
        Assert.False(client.Connected);
        Assert.True(client.Write("two;"));
        Assert.Equal(4, client.BufferedBytes);

        clock.Advance(TimeSpan.FromMilliseconds(100)); // attempt 1: nobody listens
        Assert.Equal("reconnecting 2 200ms", await NextAsync(log));

        await using RecordingServer restarted = await RecordingServer.StartAsync(port);
        clock.Advance(TimeSpan.FromMilliseconds(200)); // attempt 2: back
        Assert.Equal("reconnect 2", await NextAsync(log));
        await restarted.AcceptedAsync();
        Assert.Equal("two;", await restarted.ReceiveAsync(4));
        Assert.Equal(0, client.BufferedBytes);

        client.Write("three;");
        Assert.Equal("three;", await restarted.ReceiveAsync(6));
        client.End();
        Assert.Equal("disconnect", await NextAsync(log));
        Assert.Equal("close False", await NextAsync(log));
        await client.Completion.WithTimeout();
    }

    [Fact]
    public async Task BacksOffExponentiallyUpToMaxDelayAndGivesUpAfterMaxAttempts()
    {
        var clock = new FakeTimeProvider();
        int port = await UnusedPortAsync();

        var options = NoJitter(clock, maxAttempts: 4);
        options.MaxDelay = TimeSpan.FromMilliseconds(300);
        var client = new ReconnectingSocket(new SocketOptions { Port = port }, options);
        Channel<string> log = Record(client);
        var failed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Write("lost", callback: failed.SetResult);

        client.Connect();
        foreach (string expected in (string[])["reconnecting 1 100ms", "reconnecting 2 200ms", "reconnecting 3 300ms", "reconnecting 4 300ms"])
        {
            string next = await NextAsync(log);
            Assert.Equal(expected, next);
            clock.Advance(TimeSpan.FromMilliseconds(300));
        }

        Assert.Equal("error ECONNREFUSED", await NextAsync(log));
        Assert.Equal("close True", await NextAsync(log));
        Assert.Equal(NetErrorCode.ConnectionRefused, NetException.GetCode(await failed.Task.WithTimeout()));
        Assert.False(client.Write("late"));
    }

    [Fact]
    public async Task EndingWhileWaitingStopsReconnectingAndFailsBufferedWrites()
    {
        var clock = new FakeTimeProvider();
        int port = await UnusedPortAsync();

        var client = new ReconnectingSocket(new SocketOptions { Port = port }, NoJitter(clock));
        Channel<string> log = Record(client);
        client.Connect();
        Assert.Equal("reconnecting 1 100ms", await NextAsync(log));
        var failed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Write("pending", callback: failed.SetResult);

        client.End();
        Assert.Equal("close False", await NextAsync(log));
        Assert.Equal(NetErrorCode.Destroyed, NetException.GetCode(await failed.Task.WithTimeout()));

        clock.Advance(TimeSpan.FromSeconds(60)); // the wait was cancelled: no attempt starts
        await client.Completion.WithTimeout();
        Assert.False(client.Write("late"));
        Assert.False(log.Reader.TryRead(out _));
    }

    [Fact]
    public async Task WritesPastTheBufferBoundAreRejectedWithEnobufs()
    {
        var clock = new FakeTimeProvider();
        int port = await UnusedPortAsync();

        var options = NoJitter(clock);
        options.MaxBufferedBytes = 8;
        var client = new ReconnectingSocket(new SocketOptions { Port = port }, options);
        Channel<string> log = Record(client);
        client.Connect();
        Assert.Equal("reconnecting 1 100ms", await NextAsync(log));

        Exception? rejected = null;
        Assert.True(client.Write("12345"));
        Assert.False(client.Write("6789", callback: error => rejected = error));
        Assert.True(client.Write("678"));

        Assert.Equal(NetErrorCode.NoBufferSpace, NetException.GetCode(rejected));
        Assert.Equal(8, client.BufferedBytes);
        client.Destroy();
        Assert.Equal("close False", await NextAsync(log));
    }

    [Fact]
    public async Task AConnectionThatStayedUpStartsTheBackOffOverAndAFlappingOneDoesNot()
    {
        var clock = new FakeTimeProvider();
        RecordingServer server = await RecordingServer.StartAsync();
        int port = server.Port;
        var options = NoJitter(clock);
        options.ResetAfter = TimeSpan.FromSeconds(10);
        var client = new ReconnectingSocket(new SocketOptions { Port = port }, options);
        Channel<string> log = Record(client);
        client.Connect();
        Assert.Equal("connect", await NextAsync(log));
        await server.AcceptedAsync();

        // Dropped at once: the back-off starts at attempt 1 (nothing to continue yet), comes back at attempt 1.
        await server.DisposeAsync();
        Assert.Equal("disconnect", await NextAsync(log));
        Assert.Equal("reconnecting 1 100ms", await NextAsync(log));
        server = await RecordingServer.StartAsync(port);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal("reconnect 1", await NextAsync(log));
        await server.AcceptedAsync();

        // Dropped again before ResetAfter: the back-off continues (attempt 2).
        await server.DisposeAsync();
        Assert.Equal("disconnect", await NextAsync(log));
        Assert.Equal("reconnecting 2 200ms", await NextAsync(log));
        server = await RecordingServer.StartAsync(port);
        clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal("reconnect 2", await NextAsync(log));
        await server.AcceptedAsync();

        // Up for ResetAfter, then dropped: back to attempt 1.
        clock.Advance(TimeSpan.FromSeconds(10));
        await server.DisposeAsync();
        Assert.Equal("disconnect", await NextAsync(log));
        Assert.Equal("reconnecting 1 100ms", await NextAsync(log));
        client.Destroy();
        Assert.Equal("close False", await NextAsync(log));
    }

    [Fact]
    public async Task JitterKeepsEveryWaitWithinItsShareOfTheBackOff()
    {
        var clock = new FakeTimeProvider();
        int port = await UnusedPortAsync();

        var delays = Channel.CreateUnbounded<TimeSpan>();
        var client = new ReconnectingSocket(new SocketOptions { Port = port }, new ReconnectOptions { TimeProvider = clock, InitialDelay = TimeSpan.FromSeconds(1), Jitter = 0.5 })
            .OnReconnecting((_, delay) => delays.Writer.TryWrite(delay));
        client.Connect();
        for (int attempt = 1; attempt <= 4; attempt++)
        {
            TimeSpan delay = await delays.Reader.ReadAsync().AsTask().WithTimeout();
            double full = Math.Pow(2, attempt - 1);
            Assert.InRange(delay.TotalSeconds, full * 0.5, full);
            clock.Advance(delay);
        }

        client.Destroy();
        await client.Completion.WithTimeout();
    }

    [Fact]
    public void RejectsBadArgumentsWithTheirNames()
    {
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new ReconnectingSocket(null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new ReconnectingSocket(new SocketOptions())).ParamName);
        Assert.Equal("InitialDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectOptions { InitialDelay = TimeSpan.Zero }).ParamName);
        Assert.Equal("MaxDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectOptions { MaxDelay = TimeSpan.FromSeconds(-1) }).ParamName);
        Assert.Equal("Multiplier", Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectOptions { Multiplier = 0.5 }).ParamName);
        Assert.Equal("Jitter", Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectOptions { Jitter = 1.5 }).ParamName);
        Assert.Equal("MaxAttempts", Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectOptions { MaxAttempts = 0 }).ParamName);
        Assert.Equal("ResetAfter", Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectOptions { ResetAfter = TimeSpan.FromSeconds(-1) }).ParamName);
        Assert.Equal("MaxBufferedBytes", Assert.Throws<ArgumentOutOfRangeException>(() => new ReconnectOptions { MaxBufferedBytes = -1 }).ParamName);
        Assert.Equal("TimeProvider", Assert.Throws<ArgumentNullException>(() => new ReconnectOptions { TimeProvider = null! }).ParamName);
        var client = new ReconnectingSocket(new SocketOptions { Port = 9 }, new ReconnectOptions { TimeProvider = new FakeTimeProvider() });
        client.Connect();
        Assert.Throws<InvalidOperationException>(() => client.Connect());
        client.Destroy();
    }
}
