using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using PipeNet.Resolver;

namespace PipeNet.Perf.Micro;

/// <summary>
/// <see cref="HostResolver"/> answering from its cache (what every connect to a known host pays), against the system
/// resolver asked each time (what Node and <c>Dns.GetHostAddressesAsync</c> pay). localhost comes from /etc/hosts, so
/// nothing leaves the machine.
/// </summary>
[MemoryDiagnoser]
public class ResolverCacheBenchmarks
{
    private HostResolver _resolver = null!;

    [GlobalSetup]
    public void Setup()
    {
        _resolver = new HostResolver(new HostResolverOptions { SystemTtl = TimeSpan.FromDays(1) });
        _ = _resolver.ResolveAsync("localhost").AsTask().GetAwaiter().GetResult();
        _ = _resolver.ResolveAsync("localhost", AddressFamily.InterNetwork).AsTask().GetAwaiter().GetResult();
        _ = _resolver.ReverseAsync(IPAddress.Loopback).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public HostInfo CachedResolve() => _resolver.ResolveAsync("localhost").Result;

    [Benchmark]
    public HostInfo CachedResolveOtherCase() => _resolver.ResolveAsync("LocalHost").Result;

    [Benchmark]
    public HostInfo CachedResolveIPv4Only() => _resolver.ResolveAsync("localhost", AddressFamily.InterNetwork).Result;

    [Benchmark]
    public string CachedReverse() => _resolver.ReverseAsync(IPAddress.Loopback).Result;

    [Benchmark]
    public HostInfo LiteralAddress() => _resolver.ResolveAsync("127.0.0.1").Result;

    [Benchmark]
    public async Task<IPAddress[]> SystemResolverEachTime() => await Dns.GetHostAddressesAsync("localhost");
}
