using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using PipeNet.Tests;
using PipeNet.Transport.Tcp;

namespace PipeNet.Codecs.Tests;

/// <summary>The pipe-level reader and writer over real loopback TCP connections.</summary>
public sealed class TcpCodecTests
{
    private static readonly LengthPrefixedCodec s_codec = new();

    [Fact]
    public async Task EchoesLengthPrefixedMessagesSentInPieces()
    {
        await using var server = await EchoServer.StartAsync();
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);

        byte[] wire = Sequences.Encode(s_codec, Enumerable.Range(1, 50).Select(i => new ReadOnlySequence<byte>(new byte[i * 37])));
        for (int offset = 0; offset < wire.Length; offset += 333)
        {
            await client.SendAsync(wire.AsMemory(offset, Math.Min(333, wire.Length - offset)));
        }

        Assert.Equal(wire, await client.ReceiveExactlyAsync(wire.Length));
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await client.ReceiveToEndAsync());
        await Until.TrueAsync(() => server.Finished.Count == 1, "the connection finished");
        Assert.Equal("completed", Assert.Single(server.Finished));
    }

    [Fact]
    public async Task AFrameOverTheLimitEndsThatConnectionOnlyWithBoundedMemory()
    {
        await using var server = await EchoServer.StartAsync();
        using Socket good = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        using Socket bad = await SocketTestExtensions.ConnectAsync(server.EndPoint);

        // A header declaring 2 GiB, then a flood: the server gives up at its 4 KiB limit, not after 2 GiB.
        byte[] header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, int.MaxValue);
        await bad.SendAsync(header);
        byte[] flood = new byte[64 * 1024];
        try
        {
            await bad.SendAsync(flood);
        }
        catch (SocketException)
        {
            // The server may already have closed on us.
        }

        await Until.TrueAsync(() => server.Finished.Count == 1, "the flooding connection ended");
        Assert.Equal(NetErrorCode.MessageTooLong, Assert.Single(server.Finished));

        // The other connection is untouched.
        byte[] hello = Sequences.Encode(s_codec, [new ReadOnlySequence<byte>("hello"u8.ToArray())]);
        await good.SendAsync(hello);
        Assert.Equal(hello, await good.ReceiveExactlyAsync(hello.Length));
    }

    [Fact]
    public async Task AnImpossibleLengthFieldIsAProtocolError()
    {
        await using var server = await EchoServer.StartAsync(new LengthPrefixedCodec(o => { o.LengthFieldSize = 8; o.LengthAdjustment = -8; }));
        using Socket bad = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await bad.SendAsync(new byte[] { 0, 0, 0, 0, 0, 0, 0, 3 }); // shorter than its own field
        await Until.TrueAsync(() => server.Finished.Count == 1, "the connection ended");
        Assert.Equal(NetErrorCode.ProtocolError, Assert.Single(server.Finished));
        Assert.Equal(0, await bad.ReceiveToEndAsync());
    }

    private sealed class EchoServer : IAsyncDisposable
    {
        private readonly ConnectionDispatcher _dispatcher;

        private EchoServer(ConnectionDispatcher dispatcher) => _dispatcher = dispatcher;

        public EndPoint EndPoint { get; private set; } = null!;

        /// <summary>How each connection ended: "completed", or the error code.</summary>
        public ConcurrentQueue<string> Finished { get; } = new();

        public static async Task<EchoServer> StartAsync(LengthPrefixedCodec? codec = null)
        {
            codec ??= s_codec;
            EchoServer? server = null;
            var dispatcher = new ConnectionDispatcher(connection => server!.EchoAsync(connection, codec));
            server = new EchoServer(dispatcher);
            server.EndPoint = await dispatcher.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), new TcpListenerFactory());
            return server;
        }

        public async ValueTask DisposeAsync() => await _dispatcher.StopAsync(TimeSpan.FromSeconds(5));

        private async Task EchoAsync(ConnectionContext connection, LengthPrefixedCodec codec)
        {
            MessageReader<ReadOnlySequence<byte>> reader = connection.CreateReader(codec, new MessageReaderOptions { MaxMessageSize = 4096 });
            MessageWriter<ReadOnlySequence<byte>> writer = connection.CreateWriter(codec);
            try
            {
                while (true)
                {
                    MessageReadResult<ReadOnlySequence<byte>> result = await reader.ReadAsync();
                    if (!result.HasMessage)
                    {
                        Finished.Enqueue("completed");
                        return;
                    }

                    await writer.WriteAsync(result.Message);
                }
            }
            catch (NetException ex)
            {
                Finished.Enqueue(ex.Code);
            }
        }
    }
}
