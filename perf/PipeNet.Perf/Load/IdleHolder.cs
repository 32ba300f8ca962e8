using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PipeNet.Perf.Load;

/// <summary>
/// Opens many connections (64 at a time, from 127.0.0.2 and up), serves each one 64-byte echo so the
/// server has touched it, and holds them open until disposed.
/// </summary>
internal sealed class IdleHolder(IPEndPoint target, int count, Scenario scenario) : IDisposable
{
    private const int Concurrency = 64;

    private readonly Socket?[] _sockets = new Socket?[count];
    private int _next = -1;

    public WorkerTotals Totals { get; } = new();

    public async Task OpenAllAsync(CancellationToken cancellationToken)
    {
        var openers = new Task<WorkerTotals>[Concurrency];
        for (int i = 0; i < openers.Length; i++)
        {
            openers[i] = OpenSomeAsync(cancellationToken);
        }

        foreach (WorkerTotals totals in await Task.WhenAll(openers))
        {
            Totals.Latency.Add(totals.Latency);
            Totals.Connections += totals.Connections;
            Totals.Messages += totals.Messages;
            Totals.Bytes += totals.Bytes;
            Totals.Errors += totals.Errors;
            Totals.FirstError ??= totals.FirstError;
        }
    }

    public void Dispose()
    {
        foreach (Socket? socket in _sockets)
        {
            socket?.Dispose();
        }
    }

    private async Task<WorkerTotals> OpenSomeAsync(CancellationToken cancellationToken)
    {
        var totals = new WorkerTotals();
        byte[] send = new byte[scenario.MessageSize];
        Memory<byte> receive = new byte[scenario.MessageSize];
        int index;
        while ((index = Interlocked.Increment(ref _next)) < _sockets.Length && !cancellationToken.IsCancellationRequested)
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                Socket socket = await LoopbackClient.ConnectAsync(target, index, cancellationToken);
                _sockets[index] = socket;
                await socket.SendAsync(send.AsMemory(), SocketFlags.None, cancellationToken);
                if (!await LoopbackClient.ReceiveExactlyAsync(socket, receive))
                {
                    throw new EndOfStreamException("the server closed the connection before echoing");
                }
            }
            catch (Exception ex) when (ex is SocketException or EndOfStreamException)
            {
                totals.Fail(ex);
                continue;
            }

            totals.Latency.Record(Stopwatch.GetTimestamp() - start, 1);
            totals.Connections++;
            totals.Messages++;
            totals.Bytes += scenario.MessageSize;
        }

        return totals;
    }
}
