using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using PipeNet.Tests;

namespace PipeNet.Codecs.Tests;

public sealed class MessageReaderTests
{
    private static Pipe NewPipe() => new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false, pauseWriterThreshold: 0));

    [Fact]
    public async Task ReadsEveryBufferedMessageThenWaitsForMore()
    {
        Pipe pipe = NewPipe();
        var reader = new MessageReader<ReadOnlySequence<byte>>(pipe.Reader, DelimiterCodec.Lines);
        await pipe.Writer.WriteAsync("one\ntwo\nthr"u8.ToArray());

        Assert.Equal("one", await ReadTextAsync(reader));
        Assert.Equal("two", await ReadTextAsync(reader));
        ValueTask<MessageReadResult<ReadOnlySequence<byte>>> third = reader.ReadAsync();
        Assert.False(third.IsCompleted); // "thr" is not a message yet.

        await pipe.Writer.WriteAsync("ee\n"u8.ToArray());
        MessageReadResult<ReadOnlySequence<byte>> result = await third.AsTask().WithTimeout();
        Assert.Equal("three", Encoding.UTF8.GetString(result.Message));
    }

    [Fact]
    public async Task TheStreamEndingAtAMessageBoundaryCompletes()
    {
        Pipe pipe = NewPipe();
        var reader = pipe.Reader.AsDuplex(pipe.Writer).CreateReader(new FixedLengthCodec(2));
        await pipe.Writer.WriteAsync(new byte[] { 1, 2 });
        await pipe.Writer.CompleteAsync();

        Assert.True((await reader.ReadAsync()).HasMessage);
        MessageReadResult<ReadOnlySequence<byte>> end = await reader.ReadAsync();
        Assert.True(end.IsCompleted);
        Assert.False(end.HasMessage);
    }

    [Fact]
    public async Task TheStreamEndingInsideAMessageIsAProtocolError()
    {
        Pipe pipe = NewPipe();
        var reader = new MessageReader<ReadOnlySequence<byte>>(pipe.Reader, new LengthPrefixedCodec());
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0, 9, 1, 2 });
        await pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<NetException>(() => reader.ReadAsync().AsTask().WithTimeout());
        Assert.Equal(NetErrorCode.ProtocolError, error.Code);
        Assert.Contains("6 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageOverTheLimitIsTooLong()
    {
        Pipe pipe = NewPipe();
        var reader = new MessageReader<ReadOnlySequence<byte>>(pipe.Reader, DelimiterCodec.Lines, new MessageReaderOptions { MaxMessageSize = 16 });
        await pipe.Writer.WriteAsync("0123456789abcdef\n"u8.ToArray());

        var error = await Assert.ThrowsAsync<NetException>(() => reader.ReadAsync().AsTask().WithTimeout());
        Assert.Equal(NetErrorCode.MessageTooLong, error.Code);
    }

    [Fact]
    public async Task CancelPendingReadReturnsACancelledResultAndReadingGoesOn()
    {
        Pipe pipe = NewPipe();
        var reader = new MessageReader<ReadOnlySequence<byte>>(pipe.Reader, DelimiterCodec.Lines);
        ValueTask<MessageReadResult<ReadOnlySequence<byte>>> pending = reader.ReadAsync();
        pipe.Reader.CancelPendingRead();
        Assert.True((await pending.AsTask().WithTimeout()).IsCanceled);

        await pipe.Writer.WriteAsync("x\n"u8.ToArray());
        Assert.Equal("x", await ReadTextAsync(reader));
    }

    [Fact]
    public async Task TryReadTakesOnlyWhatIsAlreadyBuffered()
    {
        Pipe pipe = NewPipe();
        var reader = new MessageReader<ReadOnlySequence<byte>>(pipe.Reader, DelimiterCodec.Lines);
        Assert.False(reader.TryRead(out _)); // nothing read yet
        await pipe.Writer.WriteAsync("a\nb\nc"u8.ToArray());

        Assert.Equal("a", await ReadTextAsync(reader));
        Assert.True(reader.TryRead(out ReadOnlySequence<byte> b));
        Assert.Equal("b", Encoding.UTF8.GetString(b));
        Assert.False(reader.TryRead(out _)); // "c" is not whole

        await pipe.Writer.WriteAsync("\n"u8.ToArray());
        Assert.Equal("c", await ReadTextAsync(reader));
    }

    [Fact]
    public async Task WriterFramesAndFlushes()
    {
        Pipe pipe = NewPipe();
        var writer = new MessageWriter<ReadOnlySequence<byte>>(pipe.Writer, new LengthPrefixedCodec(o => o.LengthFieldSize = 2));
        writer.Write(new ReadOnlySequence<byte>([7]));
        await writer.WriteAsync(new ReadOnlySequence<byte>([8, 9]));
        ReadResult result = await pipe.Reader.ReadAsync();
        Assert.Equal(new byte[] { 0, 1, 7, 0, 2, 8, 9 }, result.Buffer.ToArray());
    }

    [Theory]
    [InlineData("length-prefixed")]
    [InlineData("delimiter")]
    [InlineData("fixed")]
    public async Task SteadyStateDecodingAllocatesNothingPerMessage(string kind)
    {
        IMessageCodec<ReadOnlySequence<byte>> codec = kind switch
        {
            "length-prefixed" => new LengthPrefixedCodec(),
            "delimiter" => DelimiterCodec.Lines,
            _ => new FixedLengthCodec(64 + 4),
        };
        byte[] payload = [.. Enumerable.Repeat((byte)'m', 64)];
        Pipe requests = NewPipe(), responses = NewPipe();
        var reader = requests.Reader.AsDuplex(responses.Writer).CreateReader(codec);
        var writer = requests.Reader.AsDuplex(responses.Writer).CreateWriter(codec);
        var message = new ReadOnlySequence<byte>(kind == "fixed" ? [.. payload, 1, 2, 3, 4] : payload);
        byte[] wire = Sequences.Encode(codec, Enumerable.Repeat(message, 16));

        async Task<long> RoundsAsync(int rounds)
        {
            long total = 0;
            for (int i = 0; i < rounds; i++)
            {
                await requests.Writer.WriteAsync(wire);
                for (int m = 0; m < 16; m++)
                {
                    MessageReadResult<ReadOnlySequence<byte>> result = await reader.ReadAsync();
                    total += result.Message.Length;
                    writer.Write(result.Message); // Echo through the same codec, straight into the pipe.
                }

                await writer.FlushAsync();
                ReadResult echoed = await responses.Reader.ReadAsync();
                responses.Reader.AdvanceTo(echoed.Buffer.End);
            }

            return total;
        }

        await RoundsAsync(200); // Warm up: pipe segments pooled, tiered JIT settled.
        long before = GC.GetAllocatedBytesForCurrentThread();
        long bytes = await RoundsAsync(1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1000L * 16 * message.Length, bytes);
        Assert.True(allocated < 1_600, $"{allocated} bytes allocated for 16,000 messages");
    }

    private static async Task<string> ReadTextAsync(MessageReader<ReadOnlySequence<byte>> reader)
    {
        MessageReadResult<ReadOnlySequence<byte>> result = await reader.ReadAsync().AsTask().WithTimeout();
        Assert.True(result.HasMessage);
        return Encoding.UTF8.GetString(result.Message);
    }
}

internal static class PipeTestExtensions
{
    public static IDuplexPipe AsDuplex(this PipeReader input, PipeWriter output) => new DuplexPipe(input, output);

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
