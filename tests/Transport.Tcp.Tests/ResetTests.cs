using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using PipeNet.Tests;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>Run once per engine: the connection behaviour both engines must share.</summary>
public abstract class ResetTests(TransportEngine engine)
{
    private TcpTransportOptions Options() => new() { Engine = engine };

    [Fact]
    public async Task PeersThatResetBeforeBeingAcceptedDoNotStopTheListener()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());

        // Connected (the kernel completed the handshake) and reset while still in the backlog, with garbage sent first.
        for (int i = 0; i < 8; i++)
        {
            using Socket gone = await SocketTestExtensions.ConnectAsync(server.EndPoint);
            await gone.SendAsync(new byte[] { 0xff, 0x00, 0x13 });
            gone.LingerState = new LingerOption(true, 0);
        }

        using Socket good = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        while (true)
        {
            // The listener may hand out the reset ones (their input then ends in ECONNRESET or at once);
            // it must not fail or stop, and the good one must follow.
            await using ConnectionContext connection = await server.AcceptAsync();
            if (connection.RemoteEndPoint!.Equals(good.LocalEndPoint))
            {
                Task echo = EchoApplication.RunAsync(connection);
                await good.SendAsync("still here"u8.ToArray()).WithTimeout();
                Assert.Equal("still here", Encoding.ASCII.GetString(await good.ReceiveExactlyAsync(10)));
                good.Shutdown(SocketShutdown.Send);
                await echo.WithTimeout();
                return;
            }

            await DrainUntilEndAsync(connection.Transport.Input).WithTimeout();
        }
    }

    private static async Task DrainUntilEndAsync(PipeReader input)
    {
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync();
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (NetException ex) when (ex.Code == NetErrorCode.ConnectionReset)
        {
        }
    }

    [Fact]
    public async Task PeerResetMidStreamSurfacesEconnresetOnThatConnectionOnly()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        using Socket victim = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var victimConnection = await server.AcceptAsync();
        using Socket bystander = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var bystanderConnection = await server.AcceptAsync();
        Task bystanderEcho = EchoApplication.RunAsync(bystanderConnection);

        await victim.SendAsync(new byte[1000]).WithTimeout();
        ReadResult first = await victimConnection.Transport.Input.ReadAtLeastAsync(1000).WithTimeout();
        victimConnection.Transport.Input.AdvanceTo(first.Buffer.End);

        victim.LingerState = new LingerOption(true, 0);
        victim.Close(); // RST

        var error = await Assert.ThrowsAsync<NetException>(async () =>
        {
            while (true)
            {
                ReadResult result = await victimConnection.Transport.Input.ReadAsync().WithTimeout();
                victimConnection.Transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        });
        Assert.Equal(NetErrorCode.ConnectionReset, error.Code);
        Assert.Equal(ConnectionCloseReason.PeerReset, victimConnection.Features.Get<IConnectionCloseReasonFeature>()!.CloseReason);

        // The other connection is untouched.
        await bystander.SendAsync("still here"u8.ToArray()).WithTimeout();
        Assert.Equal("still here", Encoding.ASCII.GetString(await bystander.ReceiveExactlyAsync(10)));
        bystander.Shutdown(SocketShutdown.Send);
        await bystanderEcho.WithTimeout();
    }

    [Fact]
    public async Task AbortSendsResetToThePeer()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        var connection = await server.AcceptAsync();

        connection.Abort(new ConnectionAbortedException("test abort"));
        var error = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            byte[] buffer = new byte[16];
            while (await client.ReceiveAsync(buffer.AsMemory()).AsTask().WithTimeout() > 0)
            {
            }
        });
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
        Assert.Equal(ConnectionCloseReason.Aborted, connection.Features.Get<IConnectionCloseReasonFeature>()!.CloseReason);
        await Assert.ThrowsAsync<ConnectionAbortedException>(async () => await connection.Transport.Input.ReadAsync().AsTask().WithTimeout());
        await connection.DisposeAsync().AsTask().WithTimeout();
    }

    [Fact]
    public async Task WritingAfterThePeerResetCompletesTheWriterInsteadOfHanging()
    {
        await using ListenerHarness server = await ListenerHarness.StartLoopbackAsync(Options());
        Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await using var connection = await server.AcceptAsync();
        client.LingerState = new LingerOption(true, 0);
        client.Close();

        // Keep writing until the transport reports the dead peer; it must do so within the timeout.
        FlushResult flush = default;
        byte[] chunk = new byte[16 * 1024];
        for (int i = 0; i < 10_000 && !flush.IsCompleted; i++)
        {
            try
            {
                flush = await connection.Transport.Output.WriteAsync(chunk).AsTask().WithTimeout();
            }
            catch (NetException ex)
            {
                Assert.Contains(ex.Code, new[] { NetErrorCode.ConnectionReset, NetErrorCode.BrokenPipe });
                return;
            }
        }

        Assert.True(flush.IsCompleted);
    }
}

public sealed class ResetTestsOnEpoll() : ResetTests(TransportEngine.Epoll);

public sealed class ResetTestsOnSockets() : ResetTests(TransportEngine.Sockets);
