using System.Buffers;
using System.Net;

namespace PipeNet.Perf.Server;

/// <summary>PipeNet's event facade as a Node user writes it: <c>data</c> handler writing the buffers straight back.</summary>
internal sealed class FacadeEchoServer(EchoCounters counters) : IEchoServer
{
    private NetServer? _server;

    public async Task<IPEndPoint> StartAsync()
    {
        _server = Net.CreateServer(socket =>
        {
            counters.ConnectionOpened();
            socket.OnData((ReadOnlySequence<byte> data) =>
                {
                    foreach (ReadOnlyMemory<byte> segment in data)
                    {
                        socket.Write(segment.Span);
                    }

                    counters.Echoed(data.Length);
                })
                .OnError(_ => counters.ExceptionThrown())
                .OnClose(_ => counters.ConnectionClosed());
        });
        IReadOnlyList<EndPoint> bound = await _server.ListenAsync(0, "127.0.0.1");
        return (IPEndPoint)bound[0];
    }

    public ValueTask DisposeAsync()
    {
        // Stops accepting; the harness ends the process, so open connections need not be waited for.
        _server?.Close();
        return ValueTask.CompletedTask;
    }
}
