using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Connections;
using PipeNet.Codecs;

namespace PipeNet.Perf.Micro;

/// <summary>
/// Messages per second through the length-prefixed codec, against the raw pipe echo of the same bytes: in-memory
/// pipes, inline schedulers, a batch of <see cref="Batch"/> 4-byte-prefixed messages per round trip. Each
/// benchmark's time and allocations are per message (<c>OperationsPerInvoke</c>).
/// </summary>
/// <remarks>
/// <c>RawPipeEcho</c> copies whatever arrives (no framing: the floor); <c>CodecPipeEcho</c> parses every frame
/// with <see cref="MessageReader{TMessage}"/> and writes it back with <see cref="MessageWriter{TMessage}"/>,
/// flushing per message; <c>CodecPipeEchoBatched</c> drains the buffered messages with <c>TryRead</c> and flushes
/// once per read; <c>CodecFacadeEcho</c> does the same through <c>NetSocket.UseCodec</c> and
/// <c>MessageSocket.Send</c> (one flush per read, as the facade coalesces).
/// </remarks>
[MemoryDiagnoser]
public class CodecEchoBenchmarks
{
    private const int Batch = 16;
    private static readonly LengthPrefixedCodec s_codec = new();

    private Pipe[] _raw = [];
    private Pipe[] _codec = [];
    private Pipe[] _batched = [];
    private Pipe[] _facade = [];
    private byte[] _wire = [];
    private NetSocket? _socket;
    private readonly List<Task> _loops = [];

    [Params(64, 1024)]
    public int MessageSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] payload = new byte[MessageSize];
        Random.Shared.NextBytes(payload);
        var wire = new ArrayBufferWriter<byte>();
        for (int i = 0; i < Batch; i++)
        {
            s_codec.WriteMessage(new ReadOnlySequence<byte>(payload), wire);
        }

        _wire = wire.WrittenSpan.ToArray();
        _raw = [NewPipe(), NewPipe()];
        _codec = [NewPipe(), NewPipe()];
        _batched = [NewPipe(), NewPipe()];
        _facade = [NewPipe(), NewPipe()];
        _loops.Add(PipeEchoBenchmarks.EchoAsync(_raw[0].Reader, _raw[1].Writer)); // the raw pipe echo, for comparison
        _loops.Add(CodecEchoAsync(_codec[0].Reader, _codec[1].Writer));
        _loops.Add(BatchedCodecEchoAsync(_batched[0].Reader, _batched[1].Writer));

        var connection = new DefaultConnectionContext("bench", new DuplexPipe(_facade[0].Reader, _facade[1].Writer), new DuplexPipe(_facade[1].Reader, _facade[0].Writer));
        _socket = new NetSocket(connection, new SocketOptions(), pauseOnConnect: false);
        MessageSocket<ReadOnlySequence<byte>> messages = _socket.UseCodec(s_codec);
        messages.OnMessage(message => messages.Send(message));
        _loops.Add(_socket.RunAsync());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw[0].Writer.Complete();
        _codec[0].Writer.Complete();
        _batched[0].Writer.Complete();
        _facade[0].Writer.Complete();
        _socket?.Destroy();
        Task.WaitAll([.. _loops], TimeSpan.FromSeconds(10));
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public ValueTask<long> RawPipeEcho() => RoundTripAsync(_raw);

    [Benchmark(OperationsPerInvoke = Batch)]
    public ValueTask<long> CodecPipeEcho() => RoundTripAsync(_codec);

    [Benchmark(OperationsPerInvoke = Batch)]
    public ValueTask<long> CodecPipeEchoBatched() => RoundTripAsync(_batched);

    [Benchmark(OperationsPerInvoke = Batch)]
    public ValueTask<long> CodecFacadeEcho() => RoundTripAsync(_facade);

    private async ValueTask<long> RoundTripAsync(Pipe[] pipes)
    {
        await pipes[0].Writer.WriteAsync(_wire);
        long received = 0;
        while (received < _wire.Length)
        {
            ReadResult result = await pipes[1].Reader.ReadAsync();
            received += result.Buffer.Length;
            pipes[1].Reader.AdvanceTo(result.Buffer.End);
        }

        return received;
    }

    private static Pipe NewPipe() => new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));

    private static async Task CodecEchoAsync(PipeReader input, PipeWriter output)
    {
        var reader = new MessageReader<ReadOnlySequence<byte>>(input, s_codec);
        var writer = new MessageWriter<ReadOnlySequence<byte>>(output, s_codec);
        while (true)
        {
            MessageReadResult<ReadOnlySequence<byte>> result = await reader.ReadAsync();
            if (!result.HasMessage)
            {
                await output.CompleteAsync();
                return;
            }

            await writer.WriteAsync(result.Message);
        }
    }

    private static async Task BatchedCodecEchoAsync(PipeReader input, PipeWriter output)
    {
        var reader = new MessageReader<ReadOnlySequence<byte>>(input, s_codec);
        var writer = new MessageWriter<ReadOnlySequence<byte>>(output, s_codec);
        while (true)
        {
            MessageReadResult<ReadOnlySequence<byte>> result = await reader.ReadAsync();
            if (!result.HasMessage)
            {
                await output.CompleteAsync();
                return;
            }

            writer.Write(result.Message);
            while (reader.TryRead(out ReadOnlySequence<byte> next))
            {
                writer.Write(next);
            }

            await writer.FlushAsync();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
