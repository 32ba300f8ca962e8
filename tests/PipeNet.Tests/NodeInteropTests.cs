using System.Buffers;
using System.Text;
using System.Text.Json;

namespace PipeNet.Tests;

/// <summary>Node's own <c>net</c> module as the peer: event order, half-close and byte counts.</summary>
public sealed class NodeInteropTests
{
    private const string NodeEchoClient = """
        const net = require('net');
        const [port, count] = process.argv.slice(-2).map(Number);
        let received = 0;
        const s = net.connect(port, '127.0.0.1', () => {
          for (let i = 0; i < count; i++) s.write('hello world ' + i + '\n');
          s.end();
        });
        s.on('data', d => received += d.length);
        s.on('close', hadError => console.log(JSON.stringify({ received, bytesRead: s.bytesRead, bytesWritten: s.bytesWritten, hadError })));
        """;

    [Fact]
    public async Task NodeClientAgainstNetServerEchoesWithExactByteCounts()
    {
        var serverSide = new TaskCompletionSource<(List<string> Events, long Read, long Written)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Net.CreateServer(socket =>
        {
            var events = new List<string>();
            socket.OnData(data =>
                {
                    events.Add("data");
                    foreach (ReadOnlyMemory<byte> segment in data)
                    {
                        socket.Write(segment.Span);
                    }
                })
                .OnEnd(() => events.Add("end"))
                .OnClose(hadError =>
                {
                    events.Add(hadError ? "close(error)" : "close");
                    serverSide.TrySetResult((events, socket.BytesRead, socket.BytesWritten));
                });
        });
        await server.ListenAsync(0, "127.0.0.1");

        await using var node = NodePeer.Start(NodeEchoClient, server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "1000");
        string line = await node.WaitForLineAsync(l => l.StartsWith('{'));
        using JsonDocument result = JsonDocument.Parse(line);
        var (events, read, written) = await serverSide.Task.WithTimeout();

        long nodeWritten = result.RootElement.GetProperty("bytesWritten").GetInt64();
        Assert.Equal(nodeWritten, read);
        Assert.Equal(result.RootElement.GetProperty("bytesRead").GetInt64(), written);
        Assert.Equal(nodeWritten, result.RootElement.GetProperty("received").GetInt64());
        Assert.False(result.RootElement.GetProperty("hadError").GetBoolean());
        Assert.Equal("data", events[0]);
        Assert.Equal(["end", "close"], events.Skip(events.Count - 2));
        Assert.All(events.SkipLast(2), e => Assert.Equal("data", e));
        await server.CloseAsync();
    }

    [Fact]
    public async Task NetSocketAgainstANodeServerRaisesConnectReadyDataEndCloseInOrder()
    {
        const string server = """
            const net = require('net');
            const srv = net.createServer(c => { c.end('greetings from node'); c.on('close', () => srv.close()); });
            srv.listen(0, '127.0.0.1', () => console.log('listening ' + srv.address().port));
            """;
        await using var node = NodePeer.Start(server);
        int port = int.Parse((await node.WaitForLineAsync(l => l.StartsWith("listening", StringComparison.Ordinal))).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

        var events = new List<string>();
        var text = new StringBuilder();
        var closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new NetSocket()
            .OnConnect(() => events.Add("connect"))
            .OnReady(() => events.Add("ready"))
            .OnData(data => { events.Add("data"); text.Append(Encoding.UTF8.GetString(data)); })
            .OnEnd(() => events.Add("end"))
            .OnClose(hadError => { events.Add("close"); closed.SetResult(hadError); });
        Assert.Equal(ReadyState.Closed, socket.ReadyState);
        Assert.True(socket.Pending);
        socket.Once("connect", () => events.Add($"state {socket.ReadyState}"));
        socket.Connect(port); // Connecting until the connect lands, which on loopback may already have happened

        Assert.False(await closed.Task.WithTimeout());
        Assert.Equal("greetings from node", text.ToString());
        Assert.Equal(["connect", "state Open", "ready"], events.Take(3));
        Assert.Equal(["end", "close"], events.TakeLast(2));
        Assert.Equal(19, socket.BytesRead);
        Assert.True(socket.Destroyed);
        Assert.Equal(ReadyState.Closed, socket.ReadyState);
        Assert.Equal(0, await node.WaitForExitAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AllowHalfOpenDecidesWhetherThePeersEndEndsOurSide(bool allowHalfOpen)
    {
        // The Node server ends its side at once, then reports what it still receives and whether we ended.
        const string server = """
            const net = require('net');
            const srv = net.createServer({ allowHalfOpen: true }, c => {
              let got = '';
              c.on('data', d => got += d);
              c.on('end', () => { console.log('peer-ended ' + JSON.stringify(got)); c.end(); srv.close(); });
              c.end();
            });
            srv.listen(0, '127.0.0.1', () => console.log('listening ' + srv.address().port));
            """;
        await using var node = NodePeer.Start(server);
        int port = int.Parse((await node.WaitForLineAsync(l => l.StartsWith("listening", StringComparison.Ordinal))).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new NetSocket(new SocketOptions { AllowHalfOpen = allowHalfOpen });
        socket.OnData(_ => { })
            .OnEnd(() =>
            {
                if (allowHalfOpen)
                {
                    Assert.Equal(ReadyState.WriteOnly, socket.ReadyState);
                    socket.Write("still writable");
                    socket.End();
                }
            })
            .OnClose(_ => closed.SetResult())
            .Connect(port);

        string line = await node.WaitForLineAsync(l => l.StartsWith("peer-ended", StringComparison.Ordinal));
        Assert.Equal(allowHalfOpen ? "peer-ended \"still writable\"" : "peer-ended \"\"", line);
        await closed.Task.WithTimeout();
    }

    [Fact]
    public async Task ResetByNodeIsThisSocketsErrorAndItClosesOnce()
    {
        // Node resets the connection once our greeting shows it was accepted (a reset still in the accept
        // queue never becomes a socket at all); the server socket must report it and close exactly once.
        const string client = """
            const net = require('net');
            const s = net.connect(Number(process.argv.at(-1)), '127.0.0.1');
            s.on('data', () => s.resetAndDestroy());
            s.on('close', () => console.log('closed'));
            """;
        int closes = 0;
        var closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Net.CreateServer(socket => socket
            .OnData(_ => { })
            .OnError(_ => { })
            .OnClose(hadError => { Interlocked.Increment(ref closes); closed.TrySetResult(hadError); })
            .Write("hello"));
        await server.ListenAsync(0, "127.0.0.1");
        await using var node = NodePeer.Start(client, server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await node.WaitForLineAsync(l => l == "closed");
        Assert.True(await closed.Task.WithTimeout());
        Assert.Equal(1, closes);
        await server.CloseAsync();
    }

    [Fact]
    public async Task WriteReturnsFalseAgainstAPausedNodePeerAndDrainFollowsWhenItResumes()
    {
        // The Node server stops reading until told to go on; then it counts everything and reports.
        const string server = """
            const net = require('net');
            const srv = net.createServer(c => {
              c.pause();
              let got = 0;
              c.on('data', d => got += d.length);
              c.on('end', () => { console.log('got ' + got + ' read ' + c.bytesRead); srv.close(); });
              process.stdin.once('data', () => c.resume());
            });
            srv.listen(0, '127.0.0.1', () => console.log('listening ' + srv.address().port));
            """;
        await using var node = NodePeer.Start(server);
        int port = int.Parse((await node.WaitForLineAsync(l => l.StartsWith("listening", StringComparison.Ordinal))).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

        const long target = 32L * 1024 * 1024;
        byte[] chunk = new byte[64 * 1024];
        long written = 0;
        int falses = 0, drains = 0;
        var firstFalse = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
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

        socket.OnDrain(() => { drains++; Pump(); }).OnConnect(Pump).OnData(_ => { }).Connect(port);
        await firstFalse.Task.WithTimeout();
        Assert.True(Volatile.Read(ref written) < target, "everything was written although Node reads nothing yet");
        await node.WriteAsync("go\n");

        string line = await node.WaitForLineAsync(l => l.StartsWith("got ", StringComparison.Ordinal));
        Assert.Equal($"got {target} read {target}", line);
        Assert.Equal(falses, drains);
        Assert.Equal(target, socket.BytesWritten);
    }

    [Fact]
    public async Task ASilentNodeClientTimesOutOnTheServersClock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var accepted = new TaskCompletionSource<NetSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var timedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Net.CreateServer(new ServerOptions { Timeout = TimeSpan.FromSeconds(30), TimeProvider = clock }, socket =>
        {
            socket.OnData(_ => { }).OnTimeout(() => { timedOut.TrySetResult(); socket.End("idle, bye\n"); });
            accepted.SetResult(socket);
        });
        await server.ListenAsync(0, "127.0.0.1");
        const string client = """
            const net = require('net');
            const s = net.connect(Number(process.argv.at(-1)), '127.0.0.1');
            s.on('data', d => console.log('server said ' + d.toString().trim()));
            s.on('end', () => s.end());
            """;
        await using var node = NodePeer.Start(client, server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await accepted.Task.WithTimeout();

        for (int i = 0; i < 31; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await timedOut.Task.WithTimeout();
        Assert.Equal("server said idle, bye", await node.WaitForLineAsync(l => l.StartsWith("server said", StringComparison.Ordinal)));
        await server.CloseAsync().WithTimeout();
    }
}
