using System.Net.Sockets;
using System.Security.Cryptography;
using PipeNet.Tests;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>Run once per engine: the connection behaviour both engines must share.</summary>
public abstract class LargeTransferTests(TransportEngine engine)
{
    private TcpTransportOptions Options() => new() { Engine = engine };

    [Fact]
    public async Task EchoesTenMegabytesIntactVerifiedByHash()
    {
        const int size = 10 * 1024 * 1024;
        byte[] payload = new byte[size];
        new Random(42).NextBytes(payload);

        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var connection = await server.AcceptAsync();
        Task echo = EchoApplication.RunAsync(connection);

        Task send = Task.Run(async () =>
        {
            // Odd-sized writes so segment boundaries never line up with the pool's blocks.
            for (int offset = 0; offset < size; offset += 65521)
            {
                await client.SendAsync(payload.AsMemory(offset, Math.Min(65521, size - offset)));
            }

            client.Shutdown(SocketShutdown.Send);
        });

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[81920];
        long received = 0;
        while (true)
        {
            int n = await client.ReceiveAsync(buffer.AsMemory()).AsTask().WithTimeout();
            if (n == 0)
            {
                break;
            }

            hash.AppendData(buffer, 0, n);
            received += n;
            if (received == size)
            {
                break;
            }
        }

        await send.WithTimeout();
        await echo.WithTimeout();
        Assert.Equal(size, received);
        Assert.Equal(SHA256.HashData(payload), hash.GetHashAndReset());
        var bytes = connection.Features.Get<IConnectionBytesFeature>()!;
        Assert.Equal(size, bytes.BytesRead);
        Assert.Equal(size, bytes.BytesWritten);
    }
}

public sealed class LargeTransferTestsOnEpoll() : LargeTransferTests(TransportEngine.Epoll);

public sealed class LargeTransferTestsOnSockets() : LargeTransferTests(TransportEngine.Sockets);
