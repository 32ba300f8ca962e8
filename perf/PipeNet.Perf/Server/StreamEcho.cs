namespace PipeNet.Perf.Server;

/// <summary>The stream-level echo of the reference TLS servers: read into a 16 KiB array (a TLS record's worth), write it back.</summary>
internal static class StreamEcho
{
    public static async Task RunAsync(Stream stream, EchoCounters counters)
    {
        byte[] buffer = new byte[16 * 1024];
        while (true)
        {
            int read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            await stream.WriteAsync(buffer.AsMemory(0, read));
            counters.Echoed(read);
        }
    }
}
