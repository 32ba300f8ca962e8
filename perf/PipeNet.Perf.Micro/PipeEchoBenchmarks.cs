using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;

namespace PipeNet.Perf.Micro;

/// <summary>
/// The pipe-level echo with no socket: a request pipe and a response pipe, an echo loop between them,
/// inline schedulers. What the pipes alone cost per round trip, the floor under the transport's figure.
/// </summary>
[MemoryDiagnoser]
public class PipeEchoBenchmarks
{
    private readonly Pipe _requests = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private readonly Pipe _responses = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private byte[] _message = [];
    private Task _echo = Task.CompletedTask;

    [Params(64, 4096)]
    public int MessageSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _message = new byte[MessageSize];
        Random.Shared.NextBytes(_message);
        _echo = EchoAsync(_requests.Reader, _responses.Writer);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _requests.Writer.Complete();
        _echo.GetAwaiter().GetResult();
    }

    [Benchmark]
    public async ValueTask<long> RoundTrip()
    {
        await _requests.Writer.WriteAsync(_message);
        long received = 0;
        while (received < _message.Length)
        {
            ReadResult result = await _responses.Reader.ReadAsync();
            received += result.Buffer.Length;
            _responses.Reader.AdvanceTo(result.Buffer.End);
        }

        return received;
    }

    /// <summary>Copies every read to the output and flushes once per read; the codec benchmarks echo through it too.</summary>
    internal static async Task EchoAsync(PipeReader input, PipeWriter output)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync();
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                output.Write(segment.Span);
            }

            input.AdvanceTo(result.Buffer.End);
            await output.FlushAsync();
            if (result.IsCompleted)
            {
                await output.CompleteAsync();
                return;
            }
        }
    }
}
