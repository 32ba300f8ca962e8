using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Transport.Tls.Tests;

internal static class PipeTestExtensions
{
    public static async Task WriteTextAsync(this ConnectionContext connection, string text) =>
        await connection.Transport.Output.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask().WithTimeout();

    /// <summary>Reads until <paramref name="count"/> bytes arrived (or the stream ended) and returns them as text.</summary>
    public static async Task<string> ReadTextAsync(this ConnectionContext connection, int count)
    {
        byte[] data = await connection.ReadBytesAsync(count);
        return Encoding.UTF8.GetString(data);
    }

    public static async Task<byte[]> ReadBytesAsync(this ConnectionContext connection, int count)
    {
        PipeReader input = connection.Transport.Input;
        while (true)
        {
            ReadResult result = await input.ReadAsync().AsTask().WithTimeout();
            if (result.Buffer.Length >= count || result.IsCompleted)
            {
                ReadOnlySequence<byte> slice = result.Buffer.Slice(0, Math.Min(count, result.Buffer.Length));
                byte[] data = slice.ToArray();
                input.AdvanceTo(slice.End);
                return data;
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads to the end of the stream and returns how many bytes came.</summary>
    public static async Task<long> ReadToEndAsync(this ConnectionContext connection)
    {
        PipeReader input = connection.Transport.Input;
        long total = 0;
        while (true)
        {
            ReadResult result = await input.ReadAsync().AsTask().WithTimeout();
            total += result.Buffer.Length;
            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return total;
            }
        }
    }
}
