using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using PipeNet.Tests;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>
/// Run once per engine: the parts of the <see cref="PipeReader"/>/<see cref="PipeWriter"/> contract applications rely
/// on besides reading and writing (cancelling, <c>TryRead</c>, bad positions). The epoll engine implements the
/// reader and writer itself, the portable engine hands out a <see cref="Pipe"/>'s: both must behave alike.
/// </summary>
public abstract class PipeContractTests(TransportEngine engine)
{
    [Fact]
    public async Task CancelPendingReadWakesTheReadAndLosesNothing()
    {
        await using Pair pair = await Pair.OpenAsync(new TcpTransportOptions { Engine = engine });
        (Socket client, ConnectionContext connection) = (pair.Client, pair.Connection);
        PipeReader input = connection.Transport.Input;

        ValueTask<ReadResult> pending = input.ReadAsync();
        Assert.False(pending.IsCompleted);
        input.CancelPendingRead();
        ReadResult cancelled = await pending.WithTimeout();
        Assert.True(cancelled.IsCanceled);
        input.AdvanceTo(cancelled.Buffer.Start);

        await client.SendAsync("after"u8.ToArray());
        Assert.Equal("after", await ReadTextAsync(input, 5));
    }

    [Fact]
    public async Task ACancelledTokenEndsAPendingReadAndTheNextReadWorks()
    {
        await using Pair pair = await Pair.OpenAsync(new TcpTransportOptions { Engine = engine });
        (Socket client, ConnectionContext connection) = (pair.Client, pair.Connection);
        PipeReader input = connection.Transport.Input;

        using var cancel = new CancellationTokenSource();
        ValueTask<ReadResult> pending = input.ReadAsync(cancel.Token);
        Assert.False(pending.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.AsTask().WithTimeout());

        await client.SendAsync("again"u8.ToArray());
        Assert.Equal("again", await ReadTextAsync(input, 5));
    }

    [Fact]
    public async Task TryReadAnswersOnlyWhatAReadWouldWithoutWaiting()
    {
        await using Pair pair = await Pair.OpenAsync(new TcpTransportOptions { Engine = engine });
        (Socket client, ConnectionContext connection) = (pair.Client, pair.Connection);
        PipeReader input = connection.Transport.Input;

        Assert.False(input.TryRead(out _));
        await client.SendAsync("abc"u8.ToArray());
        ReadResult first = await input.ReadAsync().WithTimeout();
        input.AdvanceTo(first.Buffer.Start); // neither consumed nor examined: a read would return it at once
        Assert.True(input.TryRead(out ReadResult again));
        Assert.Equal(first.Buffer.Length, again.Buffer.Length);
        input.AdvanceTo(again.Buffer.Start, again.Buffer.End); // examined: a read would wait for more
        Assert.False(input.TryRead(out _));
    }

    [Fact]
    public async Task CancelPendingFlushReleasesAFlushTheSlowPeerHoldsAndEverythingArrives()
    {
        await using Pair pair = await Pair.OpenAsync(new TcpTransportOptions { Engine = engine, MaxWriteBufferSize = 64 * 1024 }, clientReceiveBuffer: 64 * 1024);
        (Socket client, ConnectionContext connection) = (pair.Client, pair.Connection);
        PipeWriter output = connection.Transport.Output;

        (ValueTask<FlushResult> held, long written) = await WriteUntilAFlushWaitsAsync(output, CancellationToken.None);
        output.CancelPendingFlush();
        FlushResult cancelled = await held.WithTimeout();
        Assert.True(cancelled.IsCanceled);

        Task<long> drain = Task.Run(client.ReceiveToEndAsync);
        await output.FlushAsync().AsTask().WithTimeout();
        await output.CompleteAsync();
        Assert.Equal(written, await drain.WithTimeout());
    }

    [Fact]
    public async Task AFlushCancelledByItsTokenThrowsAndTheDataStillGoesOut()
    {
        await using Pair pair = await Pair.OpenAsync(new TcpTransportOptions { Engine = engine, MaxWriteBufferSize = 64 * 1024 }, clientReceiveBuffer: 64 * 1024);
        (Socket client, ConnectionContext connection) = (pair.Client, pair.Connection);
        PipeWriter output = connection.Transport.Output;

        using var cancel = new CancellationTokenSource();
        (ValueTask<FlushResult> held, long written) = await WriteUntilAFlushWaitsAsync(output, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held.AsTask().WithTimeout());

        Task<long> drain = Task.Run(client.ReceiveToEndAsync);
        await output.FlushAsync().AsTask().WithTimeout();
        await output.CompleteAsync();
        Assert.Equal(written, await drain.WithTimeout());
    }

    [Fact]
    public async Task MemoryLargerThanAPoolBlockIsWrittenWhole()
    {
        await using Pair pair = await Pair.OpenAsync(new TcpTransportOptions { Engine = engine });
        (Socket client, ConnectionContext connection) = (pair.Client, pair.Connection);
        PipeWriter output = connection.Transport.Output;

        // One GetMemory bigger than a 16 KiB block, then small writes around it, all in one flush.
        output.Write("head"u8);
        Memory<byte> large = output.GetMemory(100_000);
        Assert.True(large.Length >= 100_000);
        for (int i = 0; i < 100_000; i++)
        {
            large.Span[i] = (byte)(i % 251);
        }

        output.Advance(100_000);
        output.Write("tail"u8);
        Task<byte[]> received = client.ReceiveExactlyAsync(100_008);
        await output.FlushAsync().AsTask().WithTimeout();

        byte[] bytes = await received.WithTimeout();
        Assert.Equal("head"u8.ToArray(), bytes[..4]);
        Assert.Equal("tail"u8.ToArray(), bytes[^4..]);
        for (int i = 0; i < 100_000; i++)
        {
            Assert.Equal((byte)(i % 251), bytes[4 + i]);
        }
    }

    [Fact]
    public async Task ClosingWithInputNobodyReadEndsWithFinNotReset()
    {
        // The application answers and closes without reading what the peer sent: Linux resets a socket closed
        // with unread data, so the peer would lose the answer to ECONNRESET; the transport drops it first.
        await using Pair pair = await Pair.OpenAsync(new TcpTransportOptions { Engine = engine });
        (Socket client, ConnectionContext connection) = (pair.Client, pair.Connection);
        await client.SendAsync(new byte[32 * 1024]);

        // One read, consuming nothing, so that the peer's bytes are known to have arrived (loopback delivers the
        // send as one segment); the epoll engine leaves most of them in the kernel.
        ReadResult read = await connection.Transport.Input.ReadAsync().AsTask().WithTimeout();
        connection.Transport.Input.AdvanceTo(read.Buffer.Start);
        await connection.Transport.Output.WriteAsync("bye"u8.ToArray()).AsTask().WithTimeout();
        await connection.DisposeAsync();

        byte[] answer = await client.ReceiveExactlyAsync(3);
        Assert.Equal("bye"u8.ToArray(), answer);
        Assert.Equal(0, await client.ReceiveToEndAsync());
    }

    [Fact]
    public async Task ClosingUnderAFloodIsBoundedAndThePeerSeesTheEnd()
    {
        // A peer that never stops sending: what is dropped before the close is bounded, so the close completes, and
        // the flood ends with an error on the peer's side (its reset).
        await using Pair pair = await Pair.OpenAsync(new TcpTransportOptions { Engine = engine });
        (Socket client, ConnectionContext connection) = (pair.Client, pair.Connection);
        Task<SocketException> flood = Assert.ThrowsAsync<SocketException>(async () =>
        {
            byte[] chunk = new byte[64 * 1024];
            while (true)
            {
                await client.SendAsync(chunk);
            }
        });

        ReadResult read = await connection.Transport.Input.ReadAsync().AsTask().WithTimeout();
        connection.Transport.Input.AdvanceTo(read.Buffer.Start);
        await connection.DisposeAsync().AsTask().WithTimeout();
        await flood.WithTimeout();
    }

    [Fact]
    public async Task APositionFromAnotherBufferIsRefused()
    {
        await using Pair pair = await Pair.OpenAsync(new TcpTransportOptions { Engine = engine });
        (Socket client, ConnectionContext connection) = (pair.Client, pair.Connection);
        PipeReader input = connection.Transport.Input;
        await client.SendAsync("abc"u8.ToArray());
        ReadResult result = await input.ReadAsync().WithTimeout();

        var foreign = new System.Buffers.ReadOnlySequence<byte>(new byte[8]);
        Assert.ThrowsAny<Exception>(() => input.AdvanceTo(foreign.End));
        input.AdvanceTo(result.Buffer.End);
    }

    /// <summary>A listener, a client socket connected to it and the accepted connection, disposed together.</summary>
    private sealed record Pair(ListenerHarness Server, Socket Client, ConnectionContext Connection) : IAsyncDisposable
    {
        public static async Task<Pair> OpenAsync(TcpTransportOptions options, int? clientReceiveBuffer = null)
        {
            ListenerHarness server = await ListenerHarness.StartLoopbackAsync(options);
            Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
            if (clientReceiveBuffer is { } size)
            {
                client.ReceiveBufferSize = size;
            }

            return new Pair(server, client, await server.AcceptAsync());
        }

        public async ValueTask DisposeAsync()
        {
            await Connection.DisposeAsync();
            Client.Dispose();
            await Server.DisposeAsync();
        }
    }

    private static async Task<string> ReadTextAsync(PipeReader input, int length)
    {
        ReadResult result = await input.ReadAtLeastAsync(length).AsTask().WithTimeout();
        string text = System.Text.Encoding.ASCII.GetString(System.Buffers.BuffersExtensions.ToArray(result.Buffer));
        input.AdvanceTo(result.Buffer.End);
        return text;
    }

    // Writes 16 KiB at a time until a flush stays pending for half a second (the peer does not read).
    private static async Task<(ValueTask<FlushResult> Held, long Written)> WriteUntilAFlushWaitsAsync(PipeWriter output, CancellationToken cancellationToken)
    {
        byte[] chunk = new byte[16 * 1024];
        long written = 0;
        for (int i = 0; i < 100_000; i++)
        {
            output.Write(chunk.AsSpan());
            written += chunk.Length;
            ValueTask<FlushResult> flush = output.FlushAsync(cancellationToken);
            if (!flush.IsCompleted)
            {
                Task<FlushResult> waiting = flush.AsTask();
                if (await Task.WhenAny(waiting, Task.Delay(500)) != waiting)
                {
                    return (new ValueTask<FlushResult>(waiting), written);
                }
            }
        }

        throw new InvalidOperationException("No flush ever waited.");
    }
}

public sealed class PipeContractTestsOnEpoll() : PipeContractTests(TransportEngine.Epoll);

public sealed class PipeContractTestsOnSockets() : PipeContractTests(TransportEngine.Sockets);
