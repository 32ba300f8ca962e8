using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Tests;

/// <summary>
/// What the event facade costs in memory: nothing per message, and a small fixed amount per idle connection (a server
/// holding many idle sockets pays it for each). Driven over in-memory pipes with inline schedulers, so every step runs
/// synchronously on the test thread and <see cref="GC.GetAllocatedBytesForCurrentThread"/> sees all of it.
/// </summary>
public sealed class NetSocketMemoryTests
{
    [Fact]
    public async Task EchoingThroughADataHandlerAllocatesNothingPerMessage()
    {
        using var peer = new InMemoryPeer();
        NetSocket socket = peer.Socket;
        long echoed = 0;
        socket.OnData((ReadOnlySequence<byte> data) =>
        {
            foreach (ReadOnlyMemory<byte> segment in data)
            {
                socket.Write(segment.Span);
            }

            echoed += data.Length;
        });
        Task run = socket.RunAsync();
        byte[] message = new byte[64];

        Assert.Equal(200, peer.RoundTrips(message, 200)); // Warm up: pipe segments pooled, tiered JIT settled.
        long before = GC.GetAllocatedBytesForCurrentThread();
        int whole = peer.RoundTrips(message, 2_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2_000, whole);
        Assert.Equal(2_200L * message.Length, echoed);
        Assert.True(allocated < 2_000, $"{allocated} bytes allocated for 2,000 messages");
        peer.EndInput();
        await run.WithTimeout();
    }

    [Fact]
    public async Task AnIdleAcceptedSocketWithADataHandlerCostsLessThan300Bytes()
    {
        // What a server pays per idle connection above the transport: the NetSocket (64 bytes), its handler table
        // (40 for one event) and the read loop's state machine, which is also the connection's task (144). It was
        // 392 bytes before the socket's state became flags, its lock its own monitor and its pipes were looked up.
        using (var warmUp = new InMemoryPeer())
        {
            warmUp.Socket.OnData(static (ReadOnlySequence<byte> _) => { });
            Task warmUpRun = warmUp.Socket.RunAsync();
            warmUp.EndInput();
            await warmUpRun.WithTimeout();
        }

        using var peer = new InMemoryPeer(createSocket: false);
        Action<ReadOnlySequence<byte>> handler = static _ => { };
        long before = GC.GetAllocatedBytesForCurrentThread();
        var socket = new NetSocket(peer.Connection, peer.Options, pauseOnConnect: false);
        socket.OnData(handler);
        Task run = socket.RunAsync();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.False(run.IsCompleted); // idle: its read is pending
        Assert.True(allocated < 300, $"{allocated} bytes for an idle socket");
        peer.EndInput();
        await run.WithTimeout();
    }

    /// <summary>The other end of a socket over two in-memory pipes whose continuations run inline.</summary>
    private sealed class InMemoryPeer : IDisposable
    {
        private static readonly PipeOptions s_inline = new(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        private readonly Pipe _requests = new(s_inline);
        private readonly Pipe _responses = new(s_inline);

        public InMemoryPeer(bool createSocket = true)
        {
            Connection = new DefaultConnectionContext("memory", new DuplexPipe(_requests.Reader, _responses.Writer), new DuplexPipe(_responses.Reader, _requests.Writer));
            Socket = createSocket ? new NetSocket(Connection, Options, pauseOnConnect: false) : null!;
        }

        public DefaultConnectionContext Connection { get; }

        public SocketOptions Options { get; } = new();

        public NetSocket Socket { get; }

        /// <summary>
        /// Sends <paramref name="message"/> and reads its echo back, <paramref name="rounds"/> times, without ever waiting;
        /// returns the rounds whose echo was whole at once. (No asserts inside: xUnit's allocate.)
        /// </summary>
        public int RoundTrips(byte[] message, int rounds)
        {
            int whole = 0;
            for (int i = 0; i < rounds; i++)
            {
                _requests.Writer.Write(message);
                bool flushed = _requests.Writer.FlushAsync().IsCompletedSuccessfully;
                if (flushed && _responses.Reader.TryRead(out ReadResult echo))
                {
                    whole += echo.Buffer.Length == message.Length ? 1 : 0;
                    _responses.Reader.AdvanceTo(echo.Buffer.End);
                }
            }

            return whole;
        }

        public void EndInput() => _requests.Writer.Complete();

        public void Dispose()
        {
            _requests.Writer.Complete();
            _responses.Reader.Complete();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
