using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Time.Testing;

namespace PipeNet.Tests;

public sealed class IdleTimeoutTests
{
    [Fact]
    public async Task SilentConnectionIsAbortedAfterTheIdleTimeoutOnTheFakeClock()
    {
        var clock = new FakeTimeProvider();
        var closed = new TaskCompletionSource<ConnectionCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(async connection =>
        {
            started.SetResult();
            try
            {
                await EchoApplication.RunAsync(connection);
            }
            catch (ConnectionAbortedException)
            {
            }

            closed.SetResult(connection.Features.Get<IConnectionCloseReasonFeature>()!.CloseReason);
        }, new ConnectionDispatcherOptions { IdleTimeout = TimeSpan.FromSeconds(10), TimeProvider = clock });

        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await started.Task.WithTimeout();

        AdvanceSeconds(clock, 6);
        Assert.False(closed.Task.IsCompleted);

        // Activity restarts the clock: six more silent seconds are still within the limit.
        await client.SendAsync("hi"u8.ToArray()).WithTimeout();
        Assert.Equal("hi", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(2)));
        AdvanceSeconds(clock, 6);
        Assert.False(closed.Task.IsCompleted);

        AdvanceSeconds(clock, 5);
        Assert.Equal(ConnectionCloseReason.IdleTimeout, await closed.Task.WithTimeout());
        var error = await Assert.ThrowsAsync<SocketException>(async () => await client.ReceiveToEndAsync());
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    [Fact]
    public async Task ACustomHandlerRunsOncePerIdlePeriodInsteadOfAborting()
    {
        var clock = new FakeTimeProvider();
        int timeouts = 0;
        var handlerSet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(async connection =>
        {
            var idle = connection.Features.Get<IConnectionIdleTimeoutFeature>()!;
            Assert.Equal(TimeSpan.FromSeconds(3), idle.IdleTimeout);
            idle.TimedOut = _ => Interlocked.Increment(ref timeouts);
            handlerSet.SetResult();
            await EchoApplication.RunAsync(connection);
        }, new ConnectionDispatcherOptions { IdleTimeout = TimeSpan.FromSeconds(3), TimeProvider = clock });

        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await handlerSet.Task.WithTimeout();

        AdvanceSeconds(clock, 10);
        Assert.Equal(1, timeouts); // once per idle period, not once per tick

        await client.SendAsync("x"u8.ToArray()).WithTimeout();
        await client.ReceiveExactlyAsync(1);
        AdvanceSeconds(clock, 10);
        Assert.Equal(2, timeouts);

        // Still open: the handler replaced the default abort.
        await client.SendAsync("y"u8.ToArray()).WithTimeout();
        Assert.Equal("y", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(1)));
    }

    [Fact]
    public async Task PerConnectionTimeoutOverridesAndCanDisableTheDefault()
    {
        var clock = new FakeTimeProvider();
        int timeouts = 0;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(async connection =>
        {
            var idle = connection.Features.Get<IConnectionIdleTimeoutFeature>()!;
            idle.TimedOut = _ => Interlocked.Increment(ref timeouts);
            idle.IdleTimeout = null;
            Assert.Throws<ArgumentOutOfRangeException>(() => idle.IdleTimeout = TimeSpan.Zero);
            ready.SetResult();
            await EchoApplication.RunAsync(connection);
        }, new ConnectionDispatcherOptions { IdleTimeout = TimeSpan.FromSeconds(1), TimeProvider = clock });

        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await ready.Task.WithTimeout();
        AdvanceSeconds(clock, 30);
        Assert.Equal(0, timeouts);
    }

    private static void AdvanceSeconds(FakeTimeProvider clock, int seconds)
    {
        // One heartbeat at a time, as the real clock would fire them.
        for (int i = 0; i < seconds; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }
    }
}
