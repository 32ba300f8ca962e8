using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Tests;

/// <summary>The pipe-level echo handler the tests serve.</summary>
internal static class EchoApplication
{
    public static async Task RunAsync(ConnectionContext connection)
    {
        PipeReader input = connection.Transport.Input;
        PipeWriter output = connection.Transport.Output;
        while (true)
        {
            ReadResult result = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer;
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                await output.WriteAsync(segment);
            }

            input.AdvanceTo(buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }
    }
}
