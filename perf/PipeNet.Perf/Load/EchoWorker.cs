using System.Diagnostics;
using System.Net.Sockets;

namespace PipeNet.Perf.Load;

/// <summary>
/// One echo connection: send <c>Depth</c> messages in one write, read back all their bytes, time the
/// round trip, repeat. Buffers are allocated once; a round trip allocates nothing. With <paramref name="tls"/>
/// the bytes go through that stream (over the same socket) instead.
/// </summary>
internal sealed class EchoWorker(Socket socket, Scenario scenario, RunWindow window, Stream? tls = null)
{
    public WorkerTotals Totals { get; } = new();

    public async Task RunAsync()
    {
        int batch = scenario.MessageSize * scenario.Depth;
        byte[] send = GC.AllocateArray<byte>(batch, pinned: true);
        byte[] receive = GC.AllocateArray<byte>(batch, pinned: true);
        Random.Shared.NextBytes(send);
        Memory<byte> sendMemory = send;
        Memory<byte> receiveMemory = receive;
        try
        {
            while (!window.Stopping)
            {
                long start = Stopwatch.GetTimestamp();
                if (tls is null)
                {
                    await socket.SendAsync(sendMemory, SocketFlags.None);
                }
                else
                {
                    await tls.WriteAsync(sendMemory);
                }

                int received = 0;
                while (received < batch)
                {
                    int n = tls is null
                        ? await socket.ReceiveAsync(receiveMemory[received..], SocketFlags.None)
                        : await tls.ReadAsync(receiveMemory[received..]);
                    if (n == 0)
                    {
                        throw new EndOfStreamException("the server closed the connection mid-echo");
                    }

                    received += n;
                }

                long end = Stopwatch.GetTimestamp();
                if (window.Measuring)
                {
                    // Every message of the batch waited the whole round trip.
                    Totals.Latency.Record(end - start, scenario.Depth);
                    Totals.Messages += scenario.Depth;
                    Totals.Bytes += batch;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or EndOfStreamException or ObjectDisposedException or IOException)
        {
            if (!window.Stopping)
            {
                Totals.Fail(ex);
            }
        }
    }
}
