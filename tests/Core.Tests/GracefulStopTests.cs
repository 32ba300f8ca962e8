using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Time.Testing;
using PipeNet.Transport.Tcp;

namespace PipeNet.Tests;

public sealed class GracefulStopTests
{
    [Fact]
    public async Task StopLetsOpenConnectionsFinishAndLosesNothingInFlight()
    {
        const int size = 4 * 1024 * 1024;
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new ConnectionDispatcher(async connection =>
        {
            // Count every byte of the request, then answer with the count.
            long total = 0;
            while (true)
            {
                ReadResult result = await connection.Transport.Input.ReadAsync();
                total += result.Buffer.Length;
                connection.Transport.Input.AdvanceTo(result.Buffer.End);
                reading.TrySetResult();
                if (result.IsCompleted)
                {
                    break;
                }
            }

            byte[] answer = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(answer, total);
            await connection.Transport.Output.WriteAsync(answer);
        });
        var endPoint = await dispatcher.BindAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), new TcpListenerFactory());

        using Socket client = await SocketTestExtensions.ConnectAsync(endPoint);
        Task send = Task.Run(async () =>
        {
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; sent < size; sent += chunk.Length)
            {
                await client.SendAsync(chunk);
            }

            client.Shutdown(SocketShutdown.Send);
        });
        await reading.Task.WithTimeout();

        // Stop while the request is still streaming in.
        Task stop = dispatcher.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Same(stop, dispatcher.StopAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<SocketException>(() => SocketTestExtensions.ConnectAsync(endPoint));

        await send.WithTimeout();
        byte[] answer = await client.ReceiveExactlyAsync(8);
        Assert.Equal(size, BinaryPrimitives.ReadInt64BigEndian(answer));
        await stop.WithTimeout();
        await dispatcher.Completion.WithTimeout();
        Assert.Equal(0, dispatcher.ConnectionCount);
        await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.BindAsync(endPoint, new TcpListenerFactory()));
    }

    [Fact]
    public async Task StopAbortsConnectionsThatOutliveTheGracePeriod()
    {
        var clock = new FakeTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closeRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reason = new TaskCompletionSource<ConnectionCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new ConnectionDispatcher(async connection =>
        {
            connection.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionLifetimeNotificationFeature>()!
                .ConnectionClosedRequested.Register(() => closeRequested.TrySetResult());
            started.SetResult();
            try
            {
                // A stubborn handler: it ignores the close request and waits for a peer that never speaks.
                await connection.Transport.Input.ReadAsync();
            }
            catch (ConnectionAbortedException)
            {
            }

            reason.SetResult(connection.Features.Get<IConnectionCloseReasonFeature>()!.CloseReason);
        }, new ConnectionDispatcherOptions { TimeProvider = clock });
        var endPoint = await dispatcher.BindAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), new TcpListenerFactory());
        using Socket client = await SocketTestExtensions.ConnectAsync(endPoint);
        await started.Task.WithTimeout();

        Task stop = dispatcher.StopAsync(TimeSpan.FromSeconds(5));
        await closeRequested.Task.WithTimeout();
        Assert.False(stop.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(5));
        await stop.WithTimeout();
        Assert.Equal(ConnectionCloseReason.ServerStopping, await reason.Task.WithTimeout());
        Assert.Equal(0, dispatcher.ConnectionCount);
    }

    [Fact]
    public async Task StopAsksEveryOneOfManyConnectionsToCloseThenAbortsThoseThatDoNot()
    {
        const int count = 64;
        var clock = new FakeTimeProvider();
        int started = 0, closeRequests = 0, stopped = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new ConnectionDispatcher(async connection =>
        {
            connection.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionLifetimeNotificationFeature>()!
                .ConnectionClosedRequested.Register(() => Interlocked.Increment(ref closeRequests));
            if (Interlocked.Increment(ref started) == count)
            {
                allStarted.SetResult();
            }

            try
            {
                // Stubborn handlers: they ignore the close request and wait for peers that never speak.
                await connection.Transport.Input.ReadAsync();
            }
            catch (ConnectionAbortedException)
            {
            }

            if (connection.Features.Get<IConnectionCloseReasonFeature>()!.CloseReason == ConnectionCloseReason.ServerStopping)
            {
                Interlocked.Increment(ref stopped);
            }
        }, new ConnectionDispatcherOptions { TimeProvider = clock });
        var endPoint = await dispatcher.BindAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), new TcpListenerFactory());
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                clients.Add(await SocketTestExtensions.ConnectAsync(endPoint));
            }

            await allStarted.Task.WithTimeout();
            Assert.Equal(count, dispatcher.ConnectionCount);

            Task stop = dispatcher.StopAsync(TimeSpan.FromSeconds(5));
            await Until.TrueAsync(() => Volatile.Read(ref closeRequests) == count, "every connection was asked to close");
            Assert.False(stop.IsCompleted);

            clock.Advance(TimeSpan.FromSeconds(5));
            await stop.WithTimeout();
            Assert.Equal(0, dispatcher.ConnectionCount);
            Assert.Equal(count, Volatile.Read(ref stopped));
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }
    }

    [Fact]
    public async Task RejectsANegativeGracePeriod()
    {
        await using var dispatcher = new ConnectionDispatcher(_ => Task.CompletedTask);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = dispatcher.StopAsync(TimeSpan.FromSeconds(-1)); });
        Assert.Equal("timeout", error.ParamName);
    }
}
