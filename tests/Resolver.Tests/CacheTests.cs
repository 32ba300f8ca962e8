using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using PipeNet.Tests;

namespace PipeNet.Resolver.Tests;

/// <summary>The resolver cache: TTLs on a fake clock, negative answers, coalescing, the size bound.</summary>
public sealed class CacheTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly CountingBackend _backend = new();

    private HostResolver NewResolver(Action<HostResolverOptions>? configure = null)
    {
        var options = new HostResolverOptions { TimeProvider = _clock };
        configure?.Invoke(options);
        return new HostResolver(options, _backend);
    }

    [Fact]
    public async Task AnAnswerIsReusedUntilItsTtlExpires()
    {
        HostResolver resolver = NewResolver();

        HostInfo first = await resolver.ResolveAsync("a.example").WithTimeout();
        _clock.Advance(TimeSpan.FromSeconds(29));
        HostInfo second = await resolver.ResolveAsync("a.example").WithTimeout();
        Assert.Same(first, second);
        Assert.Equal(1, _backend.Resolves);

        _clock.Advance(TimeSpan.FromSeconds(1));
        HostInfo third = await resolver.ResolveAsync("a.example").WithTimeout();

        Assert.NotSame(first, third);
        Assert.Equal(2, _backend.Resolves);
    }

    [Fact]
    public async Task EachFamilyIsCachedApart()
    {
        HostResolver resolver = NewResolver();

        await resolver.ResolveAsync("a.example").WithTimeout();
        await resolver.ResolveAsync("a.example", AddressFamily.InterNetwork).WithTimeout();
        await resolver.ResolveAsync("a.example", AddressFamily.InterNetwork).WithTimeout();

        Assert.Equal(2, _backend.Resolves);
    }

    [Fact]
    public async Task AZeroTtlAnswerIsNotKept()
    {
        _backend.Ttl = TimeSpan.Zero;
        HostResolver resolver = NewResolver();

        await resolver.ResolveAsync("a.example").WithTimeout();
        await resolver.ResolveAsync("a.example").WithTimeout();

        Assert.Equal(2, _backend.Resolves);
        Assert.Equal(0, resolver.CachedCount);
    }

    [Fact]
    public async Task NotFoundIsRememberedForTheNegativeTtlOnly()
    {
        _backend.Fail = host => new NetException(NetErrorCode.NotFound, $"lookup {host}: ENOTFOUND");
        HostResolver resolver = NewResolver(o => o.NegativeTtl = TimeSpan.FromSeconds(5));

        var first = await Assert.ThrowsAsync<NetException>(() => resolver.ResolveAsync("gone.example").WithTimeout());
        _clock.Advance(TimeSpan.FromSeconds(4));
        var second = await Assert.ThrowsAsync<NetException>(() => resolver.ResolveAsync("gone.example").WithTimeout());
        Assert.Equal(1, _backend.Resolves);
        Assert.Equal(NetErrorCode.NotFound, second.Code);
        Assert.NotSame(first, second); // each caller gets its own exception, not one shared and rethrown

        _clock.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<NetException>(() => resolver.ResolveAsync("gone.example").WithTimeout());

        Assert.Equal(2, _backend.Resolves);
    }

    [Fact]
    public async Task TimeoutsAreNeverCached()
    {
        _backend.Fail = host => new NetException(NetErrorCode.TimedOut, $"lookup {host}: ETIMEDOUT");
        HostResolver resolver = NewResolver();

        await Assert.ThrowsAsync<NetException>(() => resolver.ResolveAsync("slow.example").WithTimeout());
        await Assert.ThrowsAsync<NetException>(() => resolver.ResolveAsync("slow.example").WithTimeout());

        Assert.Equal(2, _backend.Resolves);
    }

    [Fact]
    public async Task AHundredConcurrentLookupsShareOneQuery()
    {
        _backend.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HostResolver resolver = NewResolver();

        Task<HostInfo>[] lookups = [.. Enumerable.Range(0, 100).Select(_ => resolver.ResolveAsync("busy.example").AsTask())];
        Assert.All(lookups, l => Assert.False(l.IsCompleted));
        _backend.Gate.SetResult();
        HostInfo[] results = await Task.WhenAll(lookups).WithTimeout();

        Assert.Equal(1, _backend.Resolves);
        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public async Task CoalescingStillWorksWithCachingOff()
    {
        _backend.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HostResolver resolver = NewResolver(o => o.MaxCacheEntries = 0);

        Task<HostInfo>[] lookups = [.. Enumerable.Range(0, 10).Select(_ => resolver.ResolveAsync("busy.example").AsTask())];
        _backend.Gate.SetResult();
        await Task.WhenAll(lookups).WithTimeout();
        await resolver.ResolveAsync("busy.example").WithTimeout();

        Assert.Equal(2, _backend.Resolves);
        Assert.Equal(0, resolver.CachedCount);
    }

    [Fact]
    public async Task OneCallerCancellingDoesNotCancelTheSharedQuery()
    {
        _backend.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HostResolver resolver = NewResolver();
        using var cancel = new CancellationTokenSource();

        Task<HostInfo> cancelled = resolver.ResolveAsync("busy.example", cancellationToken: cancel.Token).AsTask();
        Task<HostInfo> patient = resolver.ResolveAsync("busy.example").AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WithTimeout());
        _backend.Gate.SetResult();

        Assert.Equal("busy.example", (await patient.WithTimeout()).Host);
        Assert.Equal(1, _backend.Resolves);
    }

    [Fact]
    public async Task TheCacheStaysWithinItsBound()
    {
        HostResolver resolver = NewResolver(o => o.MaxCacheEntries = 20);

        for (int i = 0; i < 200; i++)
        {
            await resolver.ResolveAsync($"host{i}.example").WithTimeout();
            Assert.True(resolver.CachedCount <= 20, $"{resolver.CachedCount} entries after {i + 1} names");
        }

        // The newest answers survive eviction.
        int before = _backend.Resolves;
        await resolver.ResolveAsync("host199.example").WithTimeout();
        Assert.Equal(before, _backend.Resolves);
    }

    [Fact]
    public async Task ExpiredAnswersAreEvictedBeforeLiveOnes()
    {
        HostResolver resolver = NewResolver(o => o.MaxCacheEntries = 10);
        for (int i = 0; i < 9; i++)
        {
            await resolver.ResolveAsync($"old{i}.example").WithTimeout();
        }

        _clock.Advance(TimeSpan.FromSeconds(20));
        await resolver.ResolveAsync("live.example").WithTimeout();
        _clock.Advance(TimeSpan.FromSeconds(15)); // the old ones expire; live.example has 15 s left
        await resolver.ResolveAsync("new.example").WithTimeout();

        int before = _backend.Resolves;
        await resolver.ResolveAsync("live.example").WithTimeout();
        Assert.Equal(before, _backend.Resolves);
        Assert.Equal(2, resolver.CachedCount);
    }

    [Fact]
    public async Task ReverseAnswersAreCachedToo()
    {
        HostResolver resolver = NewResolver();

        Assert.Equal("name-of-192.0.2.9", await resolver.ReverseAsync("192.0.2.9").WithTimeout());
        Assert.Equal("name-of-192.0.2.9", await resolver.ReverseAsync("192.0.2.9").WithTimeout());

        Assert.Equal(1, _backend.Reverses);
    }

    [Fact]
    public async Task ClearCacheForgetsEverything()
    {
        HostResolver resolver = NewResolver();
        await resolver.ResolveAsync("a.example").WithTimeout();

        resolver.ClearCache();
        await resolver.ResolveAsync("a.example").WithTimeout();

        Assert.Equal(2, _backend.Resolves);
    }
}
