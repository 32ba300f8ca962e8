namespace PipeNet.Tests;

/// <summary>A facade echo server on a loopback port for client-side tests.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly NetServer _server;

    private EchoServer(NetServer server) => _server = server;

    public int Port => _server.Port;

    public static async Task<EchoServer> StartAsync()
    {
        var server = Net.CreateServer(socket => socket.OnData(data =>
        {
            foreach (ReadOnlyMemory<byte> segment in data)
            {
                socket.Write(segment.Span);
            }
        }));
        await server.ListenAsync(0, "127.0.0.1").WithTimeout();
        return new EchoServer(server);
    }

    public async ValueTask DisposeAsync() => await _server.CloseAsync().WithTimeout();
}
