using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using PipeNet.Tests;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>Run once per engine: the connection behaviour both engines must share.</summary>
public abstract class HalfCloseTests(TransportEngine engine)
{
    private TcpTransportOptions Options() => new() { Engine = engine };

    [Fact]
    public async Task PeerFinCompletesInputAndLeavesOutputWritable()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var connection = await server.AcceptAsync();

        await client.SendAsync("request"u8.ToArray()).WithTimeout();
        client.Shutdown(SocketShutdown.Send);

        // The application reads the whole request, then sees the end of input.
        var request = new StringBuilder();
        while (true)
        {
            ReadResult result = await connection.Transport.Input.ReadAsync().WithTimeout();
            request.Append(Encoding.ASCII.GetString(result.Buffer));
            connection.Transport.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        Assert.Equal("request", request.ToString());

        // After the peer's FIN the connection still carries the answer.
        await connection.Transport.Output.WriteAsync("answer"u8.ToArray()).WithTimeout();
        await connection.Transport.Output.CompleteAsync();
        Assert.Equal("answer", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(6)));
        Assert.Equal(0, await client.ReceiveToEndAsync());
        Assert.Equal(ConnectionCloseReason.PeerClosed, connection.Features.Get<IConnectionCloseReasonFeature>()!.CloseReason);
    }

    [Fact]
    public async Task CompletingOutputSendsFinAndLeavesInputReadable()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var connection = await server.AcceptAsync();

        await connection.Transport.Output.WriteAsync("bye"u8.ToArray()).WithTimeout();
        await connection.Transport.Output.CompleteAsync();

        // The client sees the data, then end of stream ...
        Assert.Equal("bye", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(3)));
        Assert.Equal(0, await client.ReceiveToEndAsync());

        // ... and can still talk to the server, which still reads.
        await client.SendAsync("late"u8.ToArray()).WithTimeout();
        ReadResult result = await connection.Transport.Input.ReadAtLeastAsync(4).WithTimeout();
        Assert.Equal("late", Encoding.ASCII.GetString(result.Buffer));
        connection.Transport.Input.AdvanceTo(result.Buffer.End);
    }
}

public sealed class HalfCloseTestsOnEpoll() : HalfCloseTests(TransportEngine.Epoll);

public sealed class HalfCloseTestsOnSockets() : HalfCloseTests(TransportEngine.Sockets);
