using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PipeNet.Tests;

namespace PipeNet.Resolver.Tests;

[CollectionDefinition(nameof(ResolverMetricsTests), DisableParallelization = true)]
public sealed class ResolverMetricsCollection;

/// <summary>The resolver's counters on the PipeNet meter; alone in its collection so no other test's lookups are counted.</summary>
[Collection(nameof(ResolverMetricsTests))]
public sealed class ResolverMetricsTests
{
    [Fact]
    public async Task CountsHitsQueriesCoalescedLookupsAndFailures()
    {
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "PipeNet" && instrument.Name.StartsWith("pipenet.resolver.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        listener.Start();

        var backend = new CountingBackend { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var resolver = new HostResolver(new HostResolverOptions(), backend);
        Task<HostInfo>[] first = [.. Enumerable.Range(0, 5).Select(_ => resolver.ResolveAsync("m.example").AsTask())];
        backend.Gate.SetResult();
        await Task.WhenAll(first).WithTimeout();
        await resolver.ResolveAsync("m.example").WithTimeout();
        await resolver.ResolveAsync("m.example").WithTimeout();
        backend.Fail = host => new NetException(NetErrorCode.TimedOut, host);
        await Assert.ThrowsAsync<NetException>(() => resolver.ResolveAsync("f.example").WithTimeout());

        Assert.Equal(2, totals.GetValueOrDefault("pipenet.resolver.queries"));
        Assert.Equal(4, totals.GetValueOrDefault("pipenet.resolver.coalesced"));
        Assert.Equal(2, totals.GetValueOrDefault("pipenet.resolver.cache.hits"));
        Assert.Equal(1, totals.GetValueOrDefault("pipenet.resolver.failures"));
    }
}
