using System.Buffers;
using System.IO.Pipelines;

namespace PipeNet.Perf.Server;

/// <summary>
/// The pipe-level echo both pipe servers (PipeNet and Kestrel) run: copy every segment of a read into
/// the output pipe, then flush once, so one read costs one send however the bytes were segmented.
/// </summary>
internal static class PipeEcho
{
    public static async Task RunAsync(IDuplexPipe transport, EchoCounters counters)
    {
        PipeReader input = transport.Input;
        PipeWriter output = transport.Output;
        while (true)
        {
            ReadResult result = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                foreach (ReadOnlyMemory<byte> segment in buffer)
                {
                    output.Write(segment.Span);
                }

                counters.Echoed(buffer.Length);
            }

            input.AdvanceTo(buffer.End);
            FlushResult flush = await output.FlushAsync();
            if (result.IsCompleted || result.IsCanceled || flush.IsCompleted || flush.IsCanceled)
            {
                break;
            }
        }
    }
}
