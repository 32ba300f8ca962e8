using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PipeNet.Perf.Load;

/// <summary>
/// One connect loop: connect (from the next loopback source address), echo 64 bytes, close, repeat.
/// The latency is of the whole cycle. For a TLS scenario the cycle includes a full handshake (no resumption).
/// </summary>
internal sealed class ConnectWorker(IPEndPoint target, int loop, int loops, Scenario scenario, RunWindow window)
{
    public WorkerTotals Totals { get; } = new();

    public async Task RunAsync()
    {
        byte[] send = new byte[scenario.MessageSize];
        Random.Shared.NextBytes(send);
        Memory<byte> receive = new byte[scenario.MessageSize];
        int source = loop;
        while (!window.Stopping)
        {
            long start = Stopwatch.GetTimestamp();
            Socket socket = LoopbackClient.Create(source);
            source += loops;
            try
            {
                await socket.ConnectAsync(target);
                if (scenario.Tls)
                {
                    await using var tls = await TlsClient.AuthenticateAsync(socket);
                    await tls.WriteAsync(send.AsMemory());
                    await tls.ReadExactlyAsync(receive);
                }
                else
                {
                    await socket.SendAsync(send.AsMemory(), SocketFlags.None);
                    if (!await LoopbackClient.ReceiveExactlyAsync(socket, receive))
                    {
                        throw new EndOfStreamException("the server closed the connection before echoing");
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or EndOfStreamException or IOException or System.Security.Authentication.AuthenticationException)
            {
                if (window.Measuring)
                {
                    Totals.Fail(ex);
                }

                continue;
            }
            finally
            {
                // An orderly close (FIN), as a well-behaved client does.
                socket.Dispose();
            }

            long end = Stopwatch.GetTimestamp();
            if (window.Measuring)
            {
                Totals.Latency.Record(end - start, 1);
                Totals.Connections++;
                Totals.Messages++;
                Totals.Bytes += scenario.MessageSize;
            }
        }
    }
}
