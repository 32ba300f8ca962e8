using System.Diagnostics;
using System.Net.Sockets;

namespace PipeNet.Perf.Load;

/// <summary>
/// One echo connection: send <c>Depth</c> messages in one write, read back all their bytes, time the
/// round trip, repeat. Buffers are allocated once; a round trip allocates nothing.
/// </summary>
internal sealed class EchoWorker(Socket socket, Scenario scenario, RunWindow window)
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
                await socket.SendAsync(sendMemory, SocketFlags.None);
                int received = 0;
                while (received < batch)
                {
                    int n = await socket.ReceiveAsync(receiveMemory[received..], SocketFlags.None);
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
        catch (Exception ex) when (ex is SocketException or EndOfStreamException or ObjectDisposedException)
        {
            if (!window.Stopping)
            {
                Totals.Fail(ex);
            }
        }
    }
}
