using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Serialization;
using PipeNet.Codecs;

namespace PipeNet.Tests;

public sealed record ChatLine(string From, string Text, int Seq);

[JsonSerializable(typeof(ChatLine))]
internal sealed partial class ChatJsonContext : JsonSerializerContext
{
}

/// <summary>The facade with a codec attached: <c>UseCodec</c>, <c>message</c> events, <c>Send</c>.</summary>
public sealed class MessageSocketTests
{
    [Fact]
    public async Task LinesFromARawPeerBecomeMessagesAndSendFramesTheReplies()
    {
        var received = new ConcurrentQueue<string>();
        await using var server = await Served.StartAsync(socket =>
        {
            MessageSocket<ReadOnlySequence<byte>> lines = socket.UseCodec(DelimiterCodec.Lines);
            lines.OnMessage(line =>
            {
                received.Enqueue(Encoding.UTF8.GetString(line));
                Assert.True(lines.Send(line)); // straight from the receive buffer into the write buffer
            });
        });
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);

        await client.SendAsync("hello\r\nwor"u8.ToArray());
        await client.SendAsync("ld\n\npart"u8.ToArray());
        Assert.Equal("hello\nworld\n\n", Encoding.UTF8.GetString(await client.ReceiveExactlyAsync(13)));
        Assert.Equal(["hello", "world", ""], received);
    }

    [Fact]
    public async Task AJsonClientAndServerTalkInMessages()
    {
        JsonCodec<ChatLine> codec = JsonCodec.Lines(ChatJsonContext.Default.ChatLine);
        await using var server = await Served.StartAsync(socket =>
        {
            MessageSocket<ChatLine> chat = socket.UseCodec(codec);
            chat.OnMessage(line => chat.Send(line with { From = "server", Seq = line.Seq + 100 }));
        });

        var replies = new List<ChatLine>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new NetSocket();
        MessageSocket<ChatLine> messages = client.UseCodec(codec);
        messages.OnMessage(reply =>
        {
            replies.Add(reply);
            if (replies.Count == 3)
            {
                client.End();
            }
        });
        client.OnClose(_ => done.TrySetResult());
        for (int i = 1; i <= 3; i++)
        {
            messages.Send(new ChatLine("client", $"line {i}\n with a newline", i)); // queued until connected
        }

        client.Connect(((IPEndPoint)server.EndPoint).Port, "127.0.0.1");
        await done.Task.WithTimeout();
        Assert.Equal([101, 102, 103], replies.Select(r => r.Seq));
        Assert.All(replies, r => Assert.Equal("server", r.From));
        Assert.Equal("line 2\n with a newline", replies[1].Text);
    }

    [Fact]
    public async Task AnOversizedLineEndsThatSocketWithEmsgsizeAndOthersCarryOn()
    {
        var errors = new ConcurrentQueue<(Exception Error, bool HadError)>();
        await using var server = await Served.StartAsync(socket =>
        {
            Exception? error = null;
            MessageSocket<ReadOnlySequence<byte>> lines = socket.UseCodec(DelimiterCodec.Lines, new MessageReaderOptions { MaxMessageSize = 1024 });
            lines.OnMessage(line => lines.Send(line));
            socket.OnError(e => error = e).OnClose(hadError =>
            {
                if (error is not null)
                {
                    errors.Enqueue((error, hadError));
                }
            });
        });
        using Socket good = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        using Socket bad = await SocketTestExtensions.ConnectAsync(server.EndPoint);

        try
        {
            await bad.SendAsync(new byte[64 * 1024]); // no newline, ever
        }
        catch (SocketException)
        {
            // The server may have closed on us mid-send.
        }

        await Until.TrueAsync(() => !errors.IsEmpty, "the flooding socket failed");
        (Exception failure, bool hadError) = Assert.Single(errors);
        Assert.Equal(NetErrorCode.MessageTooLong, Assert.IsType<NetException>(failure).Code);
        Assert.True(hadError);

        await good.SendAsync("still here\n"u8.ToArray());
        Assert.Equal("still here\n", Encoding.UTF8.GetString(await good.ReceiveExactlyAsync(11)));
    }

    [Fact]
    public async Task InvalidJsonEndsThatSocketWithEproto()
    {
        var error = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await Served.StartAsync(socket =>
        {
            socket.UseCodec(JsonCodec.Lines(ChatJsonContext.Default.ChatLine)).OnMessage(_ => Assert.Fail("a message from garbage"));
            socket.OnError(e => error.TrySetResult(e));
        });
        using Socket bad = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await bad.SendAsync("{\"From\": oops}\n"u8.ToArray());

        var failure = Assert.IsType<NetException>(await error.Task.WithTimeout());
        Assert.Equal(NetErrorCode.ProtocolError, failure.Code);
        Assert.Equal(0, await bad.ReceiveToEndAsync()); // that connection is closed
    }

    [Fact]
    public async Task ThePeerEndingInsideAMessageIsEproto()
    {
        var error = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var messages = 0;
        await using var server = await Served.StartAsync(socket =>
        {
            socket.UseCodec(new LengthPrefixedCodec()).OnMessage(_ => messages++);
            socket.OnError(e => error.TrySetResult(e));
        });
        using Socket bad = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await bad.SendAsync(new byte[] { 0, 0, 0, 1, 42, 0, 0, 0, 9, 1, 2 });
        bad.Shutdown(SocketShutdown.Send);

        var failure = Assert.IsType<NetException>(await error.Task.WithTimeout());
        Assert.Equal(NetErrorCode.ProtocolError, failure.Code);
        Assert.Contains("6 bytes", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, messages);
    }

    [Fact]
    public async Task SendReturnsFalseUnderBackpressureAndDrainFollows()
    {
        const int count = 512;
        using var peerListener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peerListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        peerListener.Listen();
        var firstFalse = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var payload = new ReadOnlySequence<byte>(new byte[64 * 1024]);
        int sent = 0, falses = 0, drains = 0;
        var socket = new NetSocket();
        MessageSocket<ReadOnlySequence<byte>> messages = socket.UseCodec(new LengthPrefixedCodec());
        void Pump()
        {
            while (sent < count)
            {
                sent++;
                if (!messages.Send(payload))
                {
                    falses++;
                    firstFalse.TrySetResult();
                    return;
                }
            }

            socket.End();
        }

        socket.OnDrain(() => { drains++; Pump(); }).OnConnect(Pump).Connect(((IPEndPoint)peerListener.LocalEndPoint!).Port);

        using Socket peer = await peerListener.AcceptAsync().WithTimeout();
        await firstFalse.Task.WithTimeout(); // the peer has read nothing yet
        Assert.Equal(count * (payload.Length + 4), await peer.ReceiveToEndAsync());
        Assert.True(falses >= 1);
        Assert.Equal(falses, drains);
        Assert.Equal(count * (payload.Length + 4), socket.BytesWritten);
        socket.Destroy();
    }

    [Fact]
    public async Task AnAsyncHandlerHoldsTheNextMessageBackAndItsBytesStayValid()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new ConcurrentQueue<string>();
        await using var server = await Served.StartAsync(socket =>
        {
            MessageSocket<ReadOnlySequence<byte>> lines = socket.UseCodec(DelimiterCodec.Lines);
            lines.OnMessage(async (ReadOnlySequence<byte> line) =>
            {
                if (seen.IsEmpty)
                {
                    firstArrived.SetResult();
                    await release.Task;
                }

                seen.Enqueue(Encoding.UTF8.GetString(line)); // read after the await: still the message's bytes
                lines.Send(line);
            });
        });
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await client.SendAsync("first\nsecond\n"u8.ToArray());

        await firstArrived.Task.WithTimeout();
        Assert.Empty(seen); // the second message waits for the first handler
        release.SetResult();
        Assert.Equal("first\nsecond\n", Encoding.UTF8.GetString(await client.ReceiveExactlyAsync(13)));
        Assert.Equal(["first", "second"], seen);
    }

    [Fact]
    public async Task MessagesReceivedBeforeTheFirstHandlerAreDeliveredToIt()
    {
        // The bytes arrive (and the socket's loop looks at them) before anyone listens; registering the handler
        // alone must deliver them, with no further byte from the peer. Several rounds, so the loop has surely
        // seen the bytes first in some of them.
        var accepted = new ConcurrentQueue<(NetSocket Socket, MessageSocket<ReadOnlySequence<byte>> Messages)>();
        await using var server = await Served.StartAsync(socket => accepted.Enqueue((socket, socket.UseCodec(new FixedLengthCodec(4)))));
        for (int round = 0; round < 10; round++)
        {
            using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
            await client.SendAsync("abcdefgh"u8.ToArray());
            await Until.TrueAsync(() => accepted.Count == round + 1, "the connection was accepted");
            (NetSocket socket, MessageSocket<ReadOnlySequence<byte>> messages) = accepted.ElementAt(round);
            await Until.TrueAsync(() => socket.BytesRead == 8, "the bytes reached the server");
            Assert.Equal(0, messages.ListenerCount("message"));

            var got = new ConcurrentQueue<string>();
            messages.OnMessage(m => got.Enqueue(Encoding.ASCII.GetString(m)));
            await Until.TrueAsync(() => got.Count == 2, "both buffered records were delivered");
            Assert.Equal(["abcd", "efgh"], got);
        }
    }

    [Fact]
    public async Task DataReceivedBeforeTheFirstDataHandlerIsDeliveredToIt()
    {
        var accepted = new ConcurrentQueue<NetSocket>();
        await using var server = await Served.StartAsync(accepted.Enqueue);
        for (int round = 0; round < 10; round++)
        {
            using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
            await client.SendAsync("abcdefgh"u8.ToArray());
            await Until.TrueAsync(() => accepted.Count == round + 1, "the connection was accepted");
            NetSocket socket = accepted.ElementAt(round);
            await Until.TrueAsync(() => socket.BytesRead == 8, "the bytes reached the server");

            long got = 0;
            socket.OnData((ReadOnlySequence<byte> data) => Interlocked.Add(ref got, data.Length));
            await Until.TrueAsync(() => Interlocked.Read(ref got) == 8, "the buffered bytes were delivered");
        }
    }

    [Fact]
    public async Task MisuseIsRefusedWithoutTouchingTheStream()
    {
        await using var server = await Served.StartAsync(socket =>
        {
            MessageSocket<ReadOnlySequence<byte>> lines = socket.UseCodec(DelimiterCodec.Lines);
            Assert.Throws<InvalidOperationException>(() => socket.UseCodec(DelimiterCodec.CrLf));
            Assert.Throws<ArgumentException>(() => lines.Send(new ReadOnlySequence<byte>("two\nlines"u8.ToArray())));
            Assert.Throws<ArgumentException>(() => socket.On("message", (Action<string>)(_ => { })));
            lines.OnMessage(line => lines.Send(line));
            Assert.Throws<ArgumentException>(() => lines.On("message", (Action<string>)(_ => { })));
        });
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await client.SendAsync("ok\n"u8.ToArray());
        Assert.Equal("ok\n", Encoding.UTF8.GetString(await client.ReceiveExactlyAsync(3))); // nothing of the refused send
    }

    /// <summary>A facade server on a loopback port that destroys its sockets before closing.</summary>
    private sealed class Served : IAsyncDisposable
    {
        private readonly NetServer _server;
        private readonly ConcurrentQueue<NetSocket> _sockets = new();

        private Served(NetServer server) => _server = server;

        public EndPoint EndPoint => new IPEndPoint(IPAddress.Loopback, _server.Port);

        public static async Task<Served> StartAsync(Action<NetSocket> onConnection)
        {
            Served? served = null;
            var server = Net.CreateServer(socket =>
            {
                served!._sockets.Enqueue(socket);
                socket.OnError(_ => { }); // tests that expect errors add their own handler
                onConnection(socket);
            });
            served = new Served(server);
            await server.ListenAsync(0, "127.0.0.1").WithTimeout();
            return served;
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
}
