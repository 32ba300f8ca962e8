using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace PipeNet.Tests;

public sealed class NetSocketTests
{
    [Fact]
    public async Task ConnectingToAClosedPortRaisesEconnrefusedThenCloseOnce()
    {
        // A port bound but not listening refuses connections, and stays ours for the whole test.
        using var refuser = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        refuser.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)refuser.LocalEndPoint!).Port;

        var errors = new List<Exception>();
        int closes = 0;
        var closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        new NetSocket()
            .OnError(errors.Add)
            .OnConnect(() => Assert.Fail("connected to a closed port"))
            .OnClose(hadError => { closes++; closed.SetResult(hadError); })
            .Connect(port);

        Assert.True(await closed.Task.WithTimeout());
        Assert.Equal(NetErrorCode.ConnectionRefused, Assert.IsType<NetException>(Assert.Single(errors)).Code);
        Assert.Equal(1, closes);
    }

    [Fact]
    public async Task AnErrorWithNoHandlerFaultsCompletion()
    {
        // A port bound but not listening refuses connections, and stays ours for the whole test.
        using var refuser = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        refuser.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)refuser.LocalEndPoint!).Port;

        NetSocket socket = Net.Connect(port);
        var error = await Assert.ThrowsAsync<NetException>(() => socket.Completion.WithTimeout());
        Assert.Equal(NetErrorCode.ConnectionRefused, error.Code);
    }

    [Fact]
    public async Task LookupIsRaisedForHostNamesBeforeConnect()
    {
        await using var echo = await EchoServer.StartAsync();
        var events = new List<string>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new NetSocket()
            .OnLookup(result => events.Add($"lookup {result.Host} {result.Family} {result.Error is null}"))
            .OnConnect(() => { events.Add("connect"); })
            .OnData(_ => { })
            .OnClose(_ => closed.SetResult());
        socket.On("connect", () => socket.End());
        socket.Connect(echo.Port, "localhost");
        await closed.Task.WithTimeout();
        Assert.StartsWith("lookup localhost ", events[0]);
        Assert.EndsWith(" True", events[0]);
        Assert.Equal("connect", events[1]);
        Assert.NotEmpty(socket.HostAddresses);
    }

    [Fact]
    public async Task WriteAfterEndIsAnErrorEventNotACrash()
    {
        await using var echo = await EchoServer.StartAsync();
        var errors = new List<NetException>();
        Exception? callbackError = null;
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new NetSocket();
        socket.OnError(e => errors.Add((NetException)e))
            .OnData(_ => { })
            .OnConnect(() =>
            {
                socket.End("bye");
                Assert.False(socket.Write("too late", callback: e => callbackError = e));
            })
            .OnClose(_ => closed.SetResult())
            .Connect(echo.Port);

        await closed.Task.WithTimeout();
        Assert.Equal(NetErrorCode.WriteAfterEnd, Assert.Single(errors).Code);
        Assert.Equal(NetErrorCode.WriteAfterEnd, Assert.IsType<NetException>(callbackError).Code);
    }

    [Fact]
    public async Task WriteCallbacksRunInOrderOnceTheDataIsFlushed()
    {
        await using var echo = await EchoServer.StartAsync();
        var order = new List<int>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new NetSocket();
        socket.Write("queued before connect", callback: e => { Assert.Null(e); order.Add(1); });
        socket.OnData(_ => { })
            .OnConnect(() =>
            {
                socket.Write("one", callback: e => { Assert.Null(e); order.Add(2); });
                socket.Write("two", callback: e => { Assert.Null(e); order.Add(3); socket.End(); });
            })
            .OnClose(_ => closed.SetResult())
            .Connect(echo.Port);

        await closed.Task.WithTimeout();
        Assert.Equal([1, 2, 3], order);
        Assert.Equal(socket.BytesWritten, socket.BytesRead);
    }

    [Fact]
    public async Task AWriteCallbackRunsOnlyOnceItsBytesReachedTheSocket()
    {
        // 16 MB to a peer that reads slowly: every callback must see BytesWritten past its own data.
        using var peerListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peerListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        peerListener.Listen();
        byte[] chunk = new byte[256 * 1024];
        var seen = new List<(long End, long SentAtCallback)>();
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new NetSocket();
        socket.OnConnect(() =>
        {
            for (int i = 1; i <= 64; i++)
            {
                long end = (long)i * chunk.Length;
                bool last = i == 64;
                socket.Write(chunk, e =>
                {
                    Assert.Null(e);
                    seen.Add((end, socket.BytesWritten));
                    if (last)
                    {
                        allDone.SetResult();
                    }
                });
            }
        }).Connect(((IPEndPoint)peerListener.LocalEndPoint!).Port);

        using Socket peer = await peerListener.AcceptAsync().WithTimeout();
        byte[] buffer = new byte[64 * 1024];
        long received = 0;
        while (received < 64L * chunk.Length)
        {
            received += await peer.ReceiveAsync(buffer.AsMemory()).AsTask().WithTimeout();
        }

        await allDone.Task.WithTimeout();
        Assert.Equal(64, seen.Count);
        Assert.All(seen, s => Assert.True(s.SentAtCallback >= s.End, $"callback for {s.End} ran with {s.SentAtCallback} sent"));
        Assert.Equal(seen.Select(s => s.End).Order(), seen.Select(s => s.End));
        socket.Destroy();
    }

    [Fact]
    public async Task ABackpressuredWriteReturnsFalseAndDrainFollowsWhenThePeerReads()
    {
        // Node's pump: write until Write says false, resume on drain. Every false must be answered by
        // exactly one drain, and every byte must arrive.
        const long target = 32L * 1024 * 1024;
        using var peerListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peerListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        peerListener.Listen();
        var firstFalse = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        byte[] chunk = new byte[64 * 1024];
        long written = 0;
        int falses = 0, drains = 0;
        var socket = new NetSocket();
        void Pump()
        {
            while (written < target)
            {
                written += chunk.Length;
                if (!socket.Write(chunk))
                {
                    falses++;
                    firstFalse.TrySetResult();
                    return;
                }
            }

            socket.End();
        }

        socket.OnDrain(() => { drains++; Pump(); })
            .OnConnect(Pump)
            .Connect(((IPEndPoint)peerListener.LocalEndPoint!).Port);

        using Socket peer = await peerListener.AcceptAsync().WithTimeout();
        await firstFalse.Task.WithTimeout(); // the peer has read nothing yet
        Assert.Equal(target, await peer.ReceiveToEndAsync());
        Assert.True(falses >= 1);
        Assert.Equal(falses, drains);
        socket.Destroy();
    }

    [Fact]
    public async Task AnEchoAgainstAPeerThatNeverReadsKeepsMemoryBounded()
    {
        // The peer floods 256 MB and reads nothing back. The echo's writes are held back, so the server
        // stops reading: what it took in stays far below what was sent, and nothing is lost once the
        // peer reads.
        const long total = 256L * 1024 * 1024;
        var accepted = new TaskCompletionSource<NetSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Net.CreateServer(socket =>
        {
            socket.OnData((ReadOnlySequence<byte> data) =>
            {
                foreach (ReadOnlyMemory<byte> segment in data)
                {
                    socket.Write(segment.Span);
                }
            });
            accepted.SetResult(socket);
        });
        await server.ListenAsync(0, "127.0.0.1");
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        NetSocket serverSocket = await accepted.Task.WithTimeout();

        byte[] chunk = new byte[1024 * 1024];
        Task send = Task.Run(async () =>
        {
            for (long sent = 0; sent < total; sent += chunk.Length)
            {
                await client.SendAsync(chunk);
            }

            client.Shutdown(SocketShutdown.Send);
        });

        long peak = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            peak = Math.Max(peak, serverSocket.BytesRead);
            await Task.Delay(10);
        }

        Assert.False(send.IsCompleted, "The whole flood went through although nobody read the echo.");
        Assert.InRange(peak, 1, 64L * 1024 * 1024);

        Assert.Equal(total, await client.ReceiveToEndAsync());
        await send.WithTimeout();
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task AThrowingHandlerBecomesThatSocketsErrorAndClosesItOnly()
    {
        var failure = new InvalidOperationException("handler bug");
        var serverErrors = new List<Exception>();
        var serverClosed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Net.CreateServer(socket =>
        {
            socket.OnData((ReadOnlySequence<byte> data) =>
                {
                    if (Encoding.ASCII.GetString(data) == "boom")
                    {
                        throw failure;
                    }

                    socket.Write(data.ToArray());
                })
                .OnError(serverErrors.Add)
                .OnClose(hadError => serverClosed.TrySetResult(hadError));
        });
        await server.ListenAsync(0, "127.0.0.1");

        using var good = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await good.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        using var bad = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await bad.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        await bad.SendAsync("boom"u8.ToArray()).WithTimeout();

        Assert.True(await serverClosed.Task.WithTimeout());
        Assert.Same(failure, Assert.Single(serverErrors));

        await good.SendAsync("fine"u8.ToArray()).WithTimeout();
        byte[] answer = new byte[4];
        int read = 0;
        while (read < 4)
        {
            read += await good.ReceiveAsync(answer.AsMemory(read)).AsTask().WithTimeout();
        }

        Assert.Equal("fine", Encoding.ASCII.GetString(answer));
        good.Close();
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task TimeoutIsRaisedOnTheFakeClockAndCloseOnTimeoutDestroys()
    {
        var clock = new FakeTimeProvider();
        var events = new List<string>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Net.CreateServer(new ServerOptions { Timeout = TimeSpan.FromSeconds(5), CloseOnTimeout = true, TimeProvider = clock }, socket =>
        {
            socket.OnTimeout(() => events.Add("timeout")).OnClose(_ => { events.Add("close"); closed.SetResult(); });
            accepted.SetResult();
        });
        await server.ListenAsync(0, "127.0.0.1");
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        await accepted.Task.WithTimeout();

        for (int i = 0; i < 4; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Empty(events);
        for (int i = 0; i < 2; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await closed.Task.WithTimeout();
        Assert.Equal(["timeout", "close"], events);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task SetTimeoutOnAnAcceptedSocketWhoseServerHasNoneRaisesTimeout()
    {
        var clock = new FakeTimeProvider();
        var timedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Net.CreateServer(new ServerOptions { TimeProvider = clock }, socket =>
        {
            socket.OnData(_ => { }).SetTimeout(5000, () => timedOut.SetResult());
            accepted.SetResult();
        });
        await server.ListenAsync(0, "127.0.0.1");
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, server.Port).WithTimeout();
        await accepted.Task.WithTimeout();

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(timedOut.Task.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(2));
        await timedOut.Task.WithTimeout();

        client.Close();
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task ResetAndDestroySendsRstAndThePeerSeesEconnreset()
    {
        var serverError = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Net.CreateServer(socket => socket.OnData(_ => { }).OnError(e => serverError.TrySetResult(e)));
        await server.ListenAsync(0, "127.0.0.1");
        var socket = new NetSocket();
        socket.OnConnect(() => socket.Write("x", callback: _ => socket.ResetAndDestroy())).Connect(server.Port);

        var error = Assert.IsType<NetException>(await serverError.Task.WithTimeout());
        Assert.Equal(NetErrorCode.ConnectionReset, error.Code);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public void RejectsBadArgumentsWithTheirNames()
    {
        var socket = new NetSocket();
        Assert.Equal("port", Assert.Throws<ArgumentOutOfRangeException>(() => socket.Connect(0)).ParamName);
        Assert.Equal("port", Assert.Throws<ArgumentOutOfRangeException>(() => socket.Connect(70000)).ParamName);
        Assert.Equal("host", Assert.Throws<ArgumentException>(() => socket.Connect(80, " ")).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => socket.Connect(new SocketOptions())).ParamName);
        Assert.Equal("milliseconds", Assert.Throws<ArgumentOutOfRangeException>(() => socket.SetTimeout(-1)).ParamName);
        Assert.Equal("KeepAliveCount", Assert.Throws<ArgumentOutOfRangeException>(() => socket.SetKeepAlive(true, 1, 1, 0)).ParamName);
        Assert.Equal("Family", Assert.Throws<ArgumentOutOfRangeException>(() => new SocketOptions { Family = 5 }).ParamName);
        Assert.Equal("port", Assert.Throws<ArgumentOutOfRangeException>(() => new NetServer().Listen(-1)).ParamName);
    }
}
