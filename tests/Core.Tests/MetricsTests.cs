using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Sockets;

namespace PipeNet.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task ThePipeNetMeterCountsAcceptedDroppedAndBytes()
    {
        // The meter is shared with tests running in parallel, so assert lower bounds this test alone reaches.
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "PipeNet")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => totals.AddOrUpdate(instrument.Name, 1, (_, v) => v + 1));
        listener.Start();

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (DispatcherHarness server = await DispatcherHarness.StartAsync(async connection =>
        {
            await release.Task;
            await EchoApplication.RunAsync(connection);
        }, new ConnectionDispatcherOptions { MaxConnections = 1 }))
        {
            server.Dispatcher.ConnectionDropped += (_, _) => dropped.TrySetResult();
            using Socket served = await SocketTestExtensions.ConnectAsync(server.EndPoint);
            using Socket refused = await SocketTestExtensions.ConnectAsync(server.EndPoint);
            await dropped.Task.WithTimeout();
            release.SetResult();
            await served.SendAsync(new byte[1000]).WithTimeout();
            await served.ReceiveExactlyAsync(1000);
            served.Shutdown(SocketShutdown.Send);
            await Until.TrueAsync(() => server.Dispatcher.ConnectionCount == 0, "the served connection closed");
        }

        Assert.True(totals.GetValueOrDefault("pipenet.connections.accepted") >= 1);
        Assert.True(totals.GetValueOrDefault("pipenet.connections.dropped") >= 1);
        Assert.True(totals.GetValueOrDefault("pipenet.bytes.received") >= 1000);
        Assert.True(totals.GetValueOrDefault("pipenet.bytes.sent") >= 1000);
        Assert.True(totals.GetValueOrDefault("pipenet.connection.duration") >= 1);
    }
}
