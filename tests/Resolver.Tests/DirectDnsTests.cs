using System.Net;
using System.Net.Sockets;
using PipeNet.Tests;

namespace PipeNet.Resolver.Tests;

/// <summary>The direct-DNS back end against a real dnsmasq on loopback.</summary>
public sealed class DirectDnsTests(DnsmasqFixture fixture) : IClassFixture<DnsmasqFixture>
{
    private HostResolver NewResolver(Action<HostResolverOptions>? configure = null)
    {
        var options = new HostResolverOptions { Timeout = TimeSpan.FromSeconds(2), Retries = 1 };
        options.Servers.Add(fixture.Server.Server);
        configure?.Invoke(options);
        return new HostResolver(options);
    }

    [Fact]
    public async Task ResolvesBothFamiliesIPv6First()
    {
        HostInfo info = await NewResolver().ResolveAsync("web.pipenet.test").WithTimeout();

        Assert.Equal("web.pipenet.test", info.Host);
        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Loopback], info.Addresses);
        Assert.Equal([IPAddress.Loopback], info.IPv4Addresses);
        Assert.Equal([IPAddress.IPv6Loopback], info.IPv6Addresses);
        Assert.Equal(IPAddress.IPv6Loopback, info.Ip);
        Assert.Equal(IPAddress.Loopback, info.IPv4);
        Assert.Equal(IPAddress.IPv6Loopback, info.IPv6);
    }

    [Fact]
    public async Task HonoursTheFamilyAskedFor()
    {
        HostResolver resolver = NewResolver();

        HostInfo v4 = await resolver.ResolveAsync("web.pipenet.test", AddressFamily.InterNetwork).WithTimeout();
        HostInfo v6 = await resolver.ResolveAsync("web.pipenet.test", AddressFamily.InterNetworkV6).WithTimeout();

        Assert.Equal([IPAddress.Loopback], v4.Addresses);
        Assert.Equal([IPAddress.IPv6Loopback], v6.Addresses);
    }

    [Fact]
    public async Task ANameWithOnlyOneFamilyResolvesToIt()
    {
        HostInfo info = await NewResolver().ResolveAsync("v4.pipenet.test").WithTimeout();

        Assert.Equal([IPAddress.Parse("127.0.0.2")], info.Addresses);
        Assert.Null(info.IPv6);
    }

    [Fact]
    public async Task AskingForAFamilyTheNameLacksIsNotFound()
    {
        var error = await Assert.ThrowsAsync<NetException>(() => NewResolver().ResolveAsync("v4.pipenet.test", AddressFamily.InterNetworkV6).WithTimeout());

        Assert.Equal(NetErrorCode.NotFound, error.Code);
        Assert.Contains("v4.pipenet.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowsCNamesToTheCanonicalName()
    {
        HostInfo info = await NewResolver().ResolveAsync("alias.pipenet.test").WithTimeout();

        Assert.Equal("alias.pipenet.test", info.Host);
        Assert.Equal("web.pipenet.test", info.CanonicalName);
        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Loopback], info.Addresses);
    }

    [Fact]
    public async Task NxDomainIsNotFound()
    {
        var error = await Assert.ThrowsAsync<NetException>(() => NewResolver().ResolveAsync("missing.pipenet.test").WithTimeout());

        Assert.Equal(NetErrorCode.NotFound, error.Code);
        Assert.Contains("missing.pipenet.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReverseFindsPtrRecords()
    {
        HostResolver resolver = NewResolver();

        Assert.Equal("nine.pipenet.test", await resolver.ReverseAsync("127.0.0.9").WithTimeout());
        Assert.Equal("web.pipenet.test", await resolver.ReverseAsync(IPAddress.Loopback).WithTimeout());
    }

    [Fact]
    public async Task ReverseOfAnAddressWithNoNameIsNotFound()
    {
        var error = await Assert.ThrowsAsync<NetException>(() => NewResolver().ReverseAsync("192.0.2.77").WithTimeout());

        Assert.Equal(NetErrorCode.NotFound, error.Code);
        Assert.Contains("192.0.2.77", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHundredConcurrentLookupsOfOneNameSendOneQueryPerFamily()
    {
        HostResolver resolver = NewResolver();

        HostInfo[] results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => resolver.ResolveAsync("burst.pipenet.test").AsTask())).WithTimeout();
        await fixture.Server.FlushLogAsync();

        Assert.All(results, r => Assert.Equal([IPAddress.Parse("127.0.0.5")], r.Addresses));
        Assert.Same(results[0], results[99]);
        Assert.Equal(1, fixture.Server.CountQueries("burst.pipenet.test", "A"));
        Assert.Equal(1, fixture.Server.CountQueries("burst.pipenet.test", "AAAA"));
    }

    [Fact]
    public async Task CachedAnswersAreServedWithoutAQueryUntilTheirTtlRunsOut()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        HostResolver resolver = NewResolver(o => o.TimeProvider = clock);

        await resolver.ResolveAsync("ttl.pipenet.test", AddressFamily.InterNetwork).WithTimeout();
        clock.Advance(TimeSpan.FromSeconds(Dnsmasq.Ttl - 1));
        await resolver.ResolveAsync("ttl.pipenet.test", AddressFamily.InterNetwork).WithTimeout();
        await fixture.Server.FlushLogAsync();
        int beforeExpiry = fixture.Server.CountQueries("ttl.pipenet.test", "A");

        clock.Advance(TimeSpan.FromSeconds(2));
        await resolver.ResolveAsync("ttl.pipenet.test", AddressFamily.InterNetwork).WithTimeout();
        await fixture.Server.FlushLogAsync();

        Assert.Equal(1, beforeExpiry);
        Assert.Equal(2, fixture.Server.CountQueries("ttl.pipenet.test", "A"));
    }

    [Fact]
    public async Task NamesDifferingOnlyInCaseOrARootDotShareACacheEntry()
    {
        HostResolver resolver = NewResolver();

        HostInfo first = await resolver.ResolveAsync("v6.pipenet.test").WithTimeout();
        HostInfo second = await resolver.ResolveAsync("V6.PipeNet.Test.").WithTimeout();

        Assert.Same(first, second);
        Assert.Equal([IPAddress.IPv6Loopback], first.Addresses);
    }

    [Fact]
    public async Task AnUnreachableFirstServerIsFollowedByTheNext()
    {
        // A bound UDP socket that never reads: the query to it times out, then the next server is asked.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        string silent = closed.LocalEndPoint!.ToString()!;
        var options = new HostResolverOptions { Timeout = TimeSpan.FromSeconds(2), Retries = 0 }; // also the time the next server has to answer
        options.Servers.Add(silent);
        options.Servers.Add(fixture.Server.Server);

        HostInfo info = await new HostResolver(options).ResolveAsync("v4.pipenet.test").WithTimeout();

        Assert.Equal([IPAddress.Parse("127.0.0.2")], info.Addresses);
    }
}
