using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using PipeNet.Internal;

namespace PipeNet.Tests;

/// <summary>An application that reports its connections' ends itself (the facade's server does): no task is awaited.</summary>
public sealed class DirectApplicationTests
{
    [Fact]
    public async Task ItIsStartedDirectlyAndItsConnectionTornDownWhenItReportsTheEnd()
    {
        var application = new DirectEcho();
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(application.ServeAsync);

        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await client.SendAsync("hello"u8.ToArray()).WithTimeout();
        Assert.Equal("hello", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(5)));
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await client.ReceiveToEndAsync()); // the application reported its end: the dispatcher closed the connection

        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 0, "the connection is torn down");
        Assert.Equal((1, 0), (application.Started, application.Awaited));
    }

    [Fact]
    public async Task AReportedErrorEndsOnlyItsOwnConnectionAndAnEndReportedAtOnceIsTornDown()
    {
        var application = new DirectEcho();
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(application.ServeAsync);

        using Socket good = await server.AssertAFailureEndsOnlyItsOwnConnectionAsync();
        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 1, "the failed connection is torn down"); // its FIN comes before the count

        // Reported before Start returns.
        application.EndAtOnce = true;
        using Socket refused = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        Assert.Equal(0, await refused.ReceiveToEndAsync());
        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 1, "only the good connection is left");
    }

    [Fact]
    public async Task WrappedInMiddlewareItIsAwaitedThroughItsTask()
    {
        var application = new DirectEcho();
        await using DispatcherHarness server = await DispatcherHarness.StartAsync(connection => application.ServeAsync(connection));

        using Socket client = await SocketTestExtensions.ConnectAsync(server.EndPoint);
        await client.SendAsync("hi"u8.ToArray()).WithTimeout();
        Assert.Equal("hi", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(2)));
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await client.ReceiveToEndAsync());
        await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 0, "the connection is torn down");
        Assert.Equal((0, 1), (application.Started, application.Awaited));
    }

    /// <summary>Echoes until the peer's FIN; "boom" fails it. Served directly or through <see cref="ServeAsync"/>'s task.</summary>
    private sealed class DirectEcho : IDirectConnectionApplication
    {
        private int _started;
        private int _awaited;

        public int Started => Volatile.Read(ref _started);

        public int Awaited => Volatile.Read(ref _awaited);

        public bool EndAtOnce { get; set; }

        public Task ServeAsync(ConnectionContext connection)
        {
            Interlocked.Increment(ref _awaited);
            return RunAsync(connection);
        }

        void IDirectConnectionApplication.Start(ConnectionContext connection, IApplicationCompletion completion)
        {
            Interlocked.Increment(ref _started);
            if (EndAtOnce)
            {
                completion.Complete(null);
                return;
            }

            _ = ReportAsync(connection, completion);
        }

        private static async Task ReportAsync(ConnectionContext connection, IApplicationCompletion completion)
        {
            Exception? failure = null;
            try
            {
                await RunAsync(connection);
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            completion.Complete(failure);
        }

        private static async Task RunAsync(ConnectionContext connection)
        {
            PipeReader input = connection.Transport.Input;
            while (true)
            {
                ReadResult result = await input.ReadAsync();
                if (Encoding.ASCII.GetString(result.Buffer) == "boom")
                {
                    throw new InvalidOperationException("the application failed");
                }

                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    await connection.Transport.Output.WriteAsync(segment);
                }

                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
    }
}
