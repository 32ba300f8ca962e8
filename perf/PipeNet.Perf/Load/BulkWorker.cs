using System.Net.Sockets;

namespace PipeNet.Perf.Load;

/// <summary>One bulk connection: a loop writing 64 KiB chunks and, concurrently, a loop reading the echo back.</summary>
internal sealed class BulkWorker(Socket socket, Scenario scenario, RunWindow window)
{
    public WorkerTotals Totals { get; } = new();

    public Task RunAsync() => Task.WhenAll(SendLoopAsync(), ReceiveLoopAsync());

    private async Task SendLoopAsync()
    {
        byte[] send = GC.AllocateArray<byte>(scenario.MessageSize, pinned: true);
        Random.Shared.NextBytes(send);
        Memory<byte> memory = send;
        try
        {
            while (!window.Stopping)
            {
                await socket.SendAsync(memory, SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            if (!window.Stopping)
            {
                Totals.Fail(ex);
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        Memory<byte> memory = GC.AllocateArray<byte>(scenario.MessageSize, pinned: true);
        try
        {
            while (true)
            {
                int n = await socket.ReceiveAsync(memory, SocketFlags.None);
                if (n == 0)
                {
                    if (!window.Stopping)
                    {
                        Totals.Fail(new EndOfStreamException("the server closed the connection"));
                    }

                    return;
                }

                if (window.Measuring)
                {
                    Totals.Bytes += n;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            if (!window.Stopping)
            {
                Totals.Fail(ex);
            }
        }
    }
}
