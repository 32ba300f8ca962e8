using System.Buffers;
using System.IO.Pipelines;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Perf.Micro;

/// <summary>
/// The same in-memory round trip as <see cref="PipeEchoBenchmarks"/>, but echoed by a <see cref="NetSocket"/>
/// <c>data</c> handler calling <c>Write</c>: what the event facade adds per message (time and allocations).
/// </summary>
[MemoryDiagnoser]
public class FacadeEchoBenchmarks
{
    private readonly Pipe _requests = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private readonly Pipe _responses = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private byte[] _message = [];
    private NetSocket? _socket;
    private Task _run = Task.CompletedTask;

    [Params(64, 4096)]
    public int MessageSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _message = new byte[MessageSize];
        Random.Shared.NextBytes(_message);
        var connection = new DefaultConnectionContext("bench", new DuplexPipe(_requests.Reader, _responses.Writer), new DuplexPipe(_responses.Reader, _requests.Writer));
        _socket = new NetSocket(connection, new SocketOptions(), pauseOnConnect: false);
        NetSocket socket = _socket;
        socket.OnData((ReadOnlySequence<byte> data) =>
        {
            foreach (ReadOnlyMemory<byte> segment in data)
            {
                socket.Write(segment.Span);
            }
        });
        _run = socket.RunAsync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _requests.Writer.Complete();
        _socket?.Destroy();
        _run.GetAwaiter().GetResult();
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

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
