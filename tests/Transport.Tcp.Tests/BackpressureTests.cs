using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using PipeNet.Tests;
using PipeNet.Transport.Tcp.Internal;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>Run once per engine: the connection behaviour both engines must share.</summary>
public abstract class BackpressureTests(TransportEngine engine)
{
    private TcpTransportOptions Options() => new() { Engine = engine };

    private const long MaxRead = 256 * 1024;
    private const long MaxWrite = 64 * 1024;

    [Fact]
    public async Task SlowApplicationStopsSocketReadsAndBuffersNoMoreThanTheThreshold()
    {
        const long total = 200L * 1024 * 1024;
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(new TcpTransportOptions { Engine = engine, MaxReadBufferSize = MaxRead });
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var connection = await server.AcceptAsync();
        var bytes = connection.Features.Get<IConnectionBytesFeature>()!;

        byte[] chunk = new byte[1024 * 1024];
        Task send = Task.Run(async () =>
        {
            for (long sent = 0; sent < total; sent += chunk.Length)
            {
                await client.SendAsync(chunk);
            }

            client.Shutdown(SocketShutdown.Send);
        });

        // The application reads nothing. The portable engine fills its pipe up to the pause threshold and
        // then stops reading the socket; the epoll engine receives only when the application reads, so it
        // holds nothing. Watch it for a while and record the most it ever buffered.
        long peak = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(1.5))
        {
            peak = Math.Max(peak, bytes.BytesRead);
            await Task.Yield();
        }

        Assert.False(send.IsCompleted, "The peer could send everything although nobody read it.");
        Assert.InRange(peak, engine == TransportEngine.Epoll ? 0 : 1, engine == TransportEngine.Epoll ? 0 : MaxRead + PinnedBlockMemoryPool.BlockSize);

        // Now the application catches up, and every byte arrives.
        long received = 0;
        while (true)
        {
            ReadResult result = await connection.Transport.Input.ReadAsync().WithTimeout();
            received += result.Buffer.Length;
            connection.Transport.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await send.WithTimeout();
        Assert.Equal(total, received);
    }

    [Fact]
    public async Task ApplicationThatConsumesNothingIsHeldAtTheThreshold()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(new TcpTransportOptions { Engine = engine, MaxReadBufferSize = MaxRead });
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var connection = await server.AcceptAsync();
        var bytes = connection.Features.Get<IConnectionBytesFeature>()!;
        PipeReader input = connection.Transport.Input;
        Task send = Task.Run(async () =>
        {
            byte[] chunk = new byte[1024 * 1024];
            for (int i = 0; i < 64; i++)
            {
                await client.SendAsync(chunk);
            }
        });

        // A parser waiting for a frame it never gets: it examines everything and consumes nothing. Reads
        // complete while the buffer grows, then stop at the threshold instead of buffering the whole stream.
        long seen = 0;
        while (true)
        {
            using var stalled = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            ReadResult result;
            try
            {
                result = await input.ReadAsync(stalled.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            Assert.True(result.Buffer.Length > seen, "A read completed without new bytes.");
            seen = result.Buffer.Length;
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }

        Assert.InRange(seen, MaxRead, MaxRead + PinnedBlockMemoryPool.BlockSize);
        Assert.InRange(bytes.BytesRead, MaxRead, MaxRead + PinnedBlockMemoryPool.BlockSize);
        Assert.False(send.IsCompleted, "The peer could send everything although nothing was consumed.");

        // Consuming frees the reader again, and the rest arrives. (A cancelled read hands back what is buffered.)
        ValueTask<ReadResult> waiting = input.ReadAsync();
        input.CancelPendingRead();
        ReadResult held = await waiting.WithTimeout();
        Assert.True(held.IsCanceled);
        Assert.Equal(seen, held.Buffer.Length);
        input.AdvanceTo(held.Buffer.End);
        Task<long> drain = Task.Run(async () =>
        {
            long received = 0;
            while (true)
            {
                ReadResult result = await input.ReadAsync();
                received += result.Buffer.Length;
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return received;
                }
            }
        });
        await send.WithTimeout();
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal((64L * 1024 * 1024) - seen, await drain.WithTimeout());
    }

    [Fact]
    public async Task PeerThatStopsReadingStopsTheWriterWithBoundedBuffering()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(new TcpTransportOptions { Engine = engine, MaxWriteBufferSize = MaxWrite });
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        client.ReceiveBufferSize = 64 * 1024;
        await using var connection = await server.AcceptAsync();
        var bytes = connection.Features.Get<IConnectionBytesFeature>()!;
        PipeWriter output = connection.Transport.Output;

        // Write until a flush stays pending: the kernel buffers are full and the pipe is over its
        // threshold, so the application is told to wait.
        byte[] chunk = new byte[16 * 1024];
        long written = 0;
        Task<FlushResult>? stalled = null;
        for (int i = 0; i < 100_000 && stalled is null; i++)
        {
            ValueTask<FlushResult> flush = output.WriteAsync(chunk);
            written += chunk.Length;
            if (!flush.IsCompleted)
            {
                Task<FlushResult> waiting = flush.AsTask();
                if (await Task.WhenAny(waiting, Task.Delay(500)) != waiting)
                {
                    stalled = waiting;
                }
            }
        }

        Assert.NotNull(stalled);
        long buffered = written - bytes.BytesWritten;
        Assert.InRange(buffered, 1, MaxWrite + chunk.Length);

        // The peer reads again: the flush completes and everything written arrives.
        Task<long> drain = Task.Run(client.ReceiveToEndAsync);
        await stalled.WithTimeout();
        await output.CompleteAsync();
        Assert.Equal(written, await drain.WithTimeout());
    }
}

public sealed class BackpressureTestsOnEpoll() : BackpressureTests(TransportEngine.Epoll);

public sealed class BackpressureTestsOnSockets() : BackpressureTests(TransportEngine.Sockets);
