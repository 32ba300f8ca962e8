using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace PipeNet.Cli;

/// <summary>The echo server's connection handler: every byte read from the connection is written back.</summary>
internal static class EchoHandler
{
    public static async Task RunAsync(ConnectionContext connection)
    {
        PipeReader input = connection.Transport.Input;
        PipeWriter output = connection.Transport.Output;

        // A graceful stop asks each connection to close (ConnectionClosedRequested). Waking the pending read
        // lets the handler return, so the connection ends with a FIN now rather than an abort when the grace
        // period runs out.
        CancellationToken closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using CancellationTokenRegistration registration = closeRequested.UnsafeRegister(static state => ((PipeReader)state!).CancelPendingRead(), input);

        while (true)
        {
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                output.Write(segment.Span);
            }

            input.AdvanceTo(buffer.End);

            // One flush per read, not per segment: a multi-segment read costs one send, and a peer that stops
            // reading holds this await (transport backpressure) instead of growing the output pipe.
            FlushResult flush = buffer.IsEmpty ? default : await output.FlushAsync().ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled || flush.IsCompleted || flush.IsCanceled)
            {
                return;
            }
        }
    }
}
