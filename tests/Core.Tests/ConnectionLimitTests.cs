using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Tests;

public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task FloodOfTwoHundredAgainstFiftyServesExactlyFiftyAndDropsTheRest()
    {
        const int clients = 200, limit = 50;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int arrived = 0, running = 0, peakRunning = 0, droppedEvents = 0;
        void Arrive()
        {
            if (Interlocked.Increment(ref arrived) == clients)
            {
                allArrived.TrySetResult();
            }
        }

        await using DispatcherHarness server = await DispatcherHarness.StartAsync(async connection =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref peakRunning, now);
            Arrive();
            await release.Task;
            await EchoApplication.RunAsync(connection);
            Interlocked.Decrement(ref running);
        }, new ConnectionDispatcherOptions { MaxConnections = limit });
        server.Dispatcher.ConnectionDropped += (_, e) =>
        {
            Assert.Equal(limit, e.MaxConnections);
            Interlocked.Increment(ref droppedEvents);
            Arrive();
        };

        Socket[] sockets = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => SocketTestExtensions.ConnectAsync(server.EndPoint)));
        await allArrived.Task.WithTimeout();

        Assert.Equal(limit, server.Dispatcher.ConnectionCount);
        Assert.Equal(limit, server.Dispatcher.AcceptedCount);
        Assert.Equal(clients - limit, server.Dispatcher.DroppedCount);
        Assert.Equal(clients - limit, droppedEvents);
        Assert.Equal(limit, peakRunning);

        // Every dropped client sees an orderly end of stream; the admitted ones stay open.
        var reads = sockets.Select(s => s.ReceiveAsync(new byte[1].AsMemory()).AsTask()).ToArray();
        await WaitForCompletedAsync(reads, clients - limit);
        Assert.Equal(clients - limit, reads.Count(r => r.IsCompletedSuccessfully && r.Result == 0));
        Socket[] admitted = sockets.Where((_, i) => !reads[i].IsCompleted).ToArray();
        Assert.Equal(limit, admitted.Length);

        // Released, the admitted clients are served in full.
        release.SetResult();
        foreach (Socket socket in admitted)
        {
            await socket.SendAsync("x"u8.ToArray()).WithTimeout();
        }

        Assert.All(await Task.WhenAll(reads.Where(r => !r.IsCompleted)).WithTimeout(), n => Assert.Equal(1, n));
        foreach (Socket socket in sockets)
        {
            socket.Dispose();
        }

        // And the server keeps serving afterwards.
        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 0, "every admitted connection has closed");
        using Socket late = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await late.SendAsync("after the flood"u8.ToArray()).WithTimeout();
        Assert.Equal("after the flood", Encoding.ASCII.GetString(await late.ReceiveExactlyAsync(15)));
    }

    [Fact]
    public async Task ChangingMaxConnectionsWhileRunningTakesEffectForTheNextConnection()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new ConnectionDispatcherOptions { MaxConnections = 1 };
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(async connection =>
        {
            await release.Task;
            await EchoApplication.RunAsync(connection);
        }, options);
        server.Dispatcher.ConnectionDropped += (_, _) => dropped.TrySetResult();

        using Socket first = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        using Socket second = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await dropped.Task.WithTimeout();
        Assert.Equal(0, await second.ReceiveAsync(new byte[1].AsMemory()).AsTask().WithTimeout());

        options.MaxConnections = 2;
        using Socket third = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        release.SetResult();
        await third.SendAsync("ok"u8.ToArray()).WithTimeout();
        Assert.Equal("ok", Encoding.ASCII.GetString(await third.ReceiveExactlyAsync(2)));
        Assert.Equal(1, server.Dispatcher.DroppedCount);
        Assert.Equal(2, server.Dispatcher.AcceptedCount);
    }

    [Fact]
    public async Task ZeroMaxConnectionsRefusesEveryone()
    {
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(EchoApplication.RunAsync, new ConnectionDispatcherOptions { MaxConnections = 0 });
        server.Dispatcher.ConnectionDropped += (_, _) => dropped.TrySetResult();
        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await dropped.Task.WithTimeout();
        Assert.Equal(0, server.Dispatcher.AcceptedCount);
    }

    private static void InterlockedMax(ref int location, int value)
    {
        int current;
        while ((current = Volatile.Read(ref location)) < value && Interlocked.CompareExchange(ref location, value, current) != current)
        {
        }
    }

    private static async Task WaitForCompletedAsync(Task[] tasks, int count)
    {
        var pending = tasks.ToList();
        int completed = 0;
        while (completed < count)
        {
            Task done = await Task.WhenAny(pending).WithTimeout();
            pending.Remove(done);
            completed++;
        }
    }
}
