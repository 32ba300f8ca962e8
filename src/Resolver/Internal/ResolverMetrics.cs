using System.Diagnostics.Metrics;

namespace PipeNet.Resolver.Internal;

/// <summary>The resolver's instruments, on the one <c>PipeNet</c> meter. No tags, so counting a cache hit allocates nothing.</summary>
internal static class ResolverMetrics
{
    private static readonly Meter s_meter = new("PipeNet");

    public static readonly Counter<long> CacheHits =
        s_meter.CreateCounter<long>("pipenet.resolver.cache.hits", "{lookup}", "Lookups answered from the cache.");

    public static readonly Counter<long> Coalesced =
        s_meter.CreateCounter<long>("pipenet.resolver.coalesced", "{lookup}", "Lookups that joined a query already in flight.");

    public static readonly Counter<long> Queries =
        s_meter.CreateCounter<long>("pipenet.resolver.queries", "{query}", "Lookups sent to the back end (system resolver or DNS servers).");

    public static readonly Counter<long> Failures =
        s_meter.CreateCounter<long>("pipenet.resolver.failures", "{query}", "Back-end lookups that failed.");
}
