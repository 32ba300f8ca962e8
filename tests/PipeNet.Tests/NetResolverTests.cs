using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using PipeNet.Resolver;

namespace PipeNet.Tests;

/// <summary>rampart's <c>net.Resolver</c> and the <c>Net.Resolve*</c> shortcuts.</summary>
public sealed class NetResolverTests(DnsmasqFixture fixture) : IClassFixture<DnsmasqFixture>
{
    private NetResolver NewResolver()
    {
        var options = new HostResolverOptions();
        options.Servers.Add(fixture.Server.Server);
        return new NetResolver(options);
    }

    [Fact]
    public async Task ResolveRaisesLookupWithTheHostInfo()
    {
        var results = new ConcurrentQueue<HostInfo>();
        NetResolver resolver = NewResolver().OnError(e => Assert.Fail(e.Message));

        resolver.Resolve("web.pipenet.test", results.Enqueue);
        await resolver.Completion.WithTimeout();

        HostInfo info = Assert.Single(results);
        Assert.Equal("web.pipenet.test", info.Host);
        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Loopback], info.Addresses);
    }

    [Fact]
    public async Task TheSameNamedHandlerRunsOncePerEvent()
    {
        // rampart: resolve(a, console.log); resolve(b, console.log) runs console.log once per lookup.
        var seen = new Collector();
        NetResolver resolver = NewResolver();

        resolver.Resolve("web.pipenet.test", seen.Add).Resolve("v4.pipenet.test", seen.Add);
        await resolver.Completion.WithTimeout();

        Assert.Equal(2, seen.Count);
        Assert.Equal(["v4.pipenet.test", "web.pipenet.test"], seen.Hosts.Order());
    }

    [Fact]
    public async Task TwoDifferentFunctionsBothRunForEveryLaterLookup()
    {
        // rampart: two anonymous functions are two handlers, each run for each lookup after it was given.
        var seen = new Collector();
        NetResolver resolver = NewResolver();

        resolver.Resolve("web.pipenet.test", info => seen.Add(info));
        await resolver.Completion.WithTimeout();
        resolver.Resolve("v4.pipenet.test", info => seen.Add(info, "second"));
        await resolver.Completion.WithTimeout();

        Assert.Equal(["second v4.pipenet.test", "v4.pipenet.test", "web.pipenet.test"], seen.Hosts.Order());
    }

    [Fact]
    public async Task AHandlerRegisteredWithOnIsNotAddedAgainByResolve()
    {
        var seen = new Collector();
        NetResolver resolver = NewResolver().OnLookup(seen.Add);

        resolver.Resolve("web.pipenet.test", seen.Add);
        await resolver.Completion.WithTimeout();

        Assert.Equal(1, seen.Count);
    }

    [Fact]
    public async Task AnUnknownNameRaisesErrorWithEnotfound()
    {
        var errors = new ConcurrentQueue<Exception>();
        NetResolver resolver = NewResolver().OnError(errors.Enqueue).OnLookup(_ => Assert.Fail("lookup for a missing name"));

        resolver.Resolve("missing.pipenet.test");
        await resolver.Completion.WithTimeout();

        var error = Assert.IsType<NetException>(Assert.Single(errors));
        Assert.Equal(NetErrorCode.NotFound, error.Code);
        Assert.Contains("missing.pipenet.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorWithNoHandlerFaultsCompletion()
    {
        NetResolver resolver = NewResolver().Resolve("missing.pipenet.test");

        var error = await Assert.ThrowsAsync<NetException>(() => resolver.Completion.WithTimeout());

        Assert.Equal(NetErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task AThrowingLookupHandlerBecomesAnError()
    {
        var errors = new ConcurrentQueue<Exception>();
        NetResolver resolver = NewResolver().OnError(errors.Enqueue);

        resolver.Resolve("web.pipenet.test", _ => throw new InvalidOperationException("handler bug"));
        await resolver.Completion.WithTimeout();

        Assert.Equal("handler bug", Assert.IsType<InvalidOperationException>(Assert.Single(errors)).Message);
    }

    [Fact]
    public async Task ReverseRaisesLookupWithTheNameAsHost()
    {
        var results = new ConcurrentQueue<HostInfo>();
        NetResolver resolver = NewResolver().OnError(e => Assert.Fail(e.Message));

        resolver.Reverse("127.0.0.9", results.Enqueue);
        await resolver.Completion.WithTimeout();

        HostInfo info = Assert.Single(results);
        Assert.Equal("nine.pipenet.test", info.Host);
        Assert.Equal([IPAddress.Parse("127.0.0.9")], info.Addresses);
    }

    [Fact]
    public async Task EventsNeverRunInsideTheCallThatStartedTheLookup()
    {
        NetResolver resolver = NewResolver();
        resolver.Resolve("v6.pipenet.test");
        await resolver.Completion.WithTimeout(); // cached from now on, so the answer is ready at once

        using var insideResolve = new ThreadLocal<bool>();
        var ran = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        insideResolve.Value = true;
        resolver.Resolve("v6.pipenet.test", _ => ran.TrySetResult(insideResolve.Value));
        insideResolve.Value = false;

        Assert.False(await ran.Task.WithTimeout());
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad name")]
    [InlineData("a..b")]
    public void ABadNameThrowsAtOnceNamingIt(string name)
    {
        NetResolver resolver = NewResolver();

        var error = Assert.Throws<ArgumentException>(() => resolver.Resolve(name, _ => { }));

        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, resolver.PendingLookups);
        Assert.Equal(0, resolver.ListenerCount("lookup"));
    }

    [Fact]
    public void ReverseOfSomethingThatIsNotAnIpThrowsAtOnceNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => NewResolver().Reverse("web.pipenet.test"));

        Assert.Contains("'web.pipenet.test'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NetResolveIsSynchronous()
    {
        HostInfo info = Net.Resolve("localhost", System.Net.Sockets.AddressFamily.InterNetwork);

        Assert.Equal(IPAddress.Loopback, info.Ip);
        Assert.Equal("localhost", Net.Reverse("127.0.0.1"));
        Assert.Equal(IPAddress.Parse("::1"), Net.Resolve("::1").Ip);
    }

    [Fact]
    public void NetResolveReportsBadInputAndFailures()
    {
        Assert.Throws<ArgumentException>(() => Net.Resolve("no_such host"));
        Assert.Throws<ArgumentException>(() => Net.Reverse("not-an-ip"));
        Assert.Equal(NetErrorCode.NotFound, Assert.Throws<NetException>(() => Net.Resolve("127.0.0.1", System.Net.Sockets.AddressFamily.InterNetworkV6)).Code);
    }

    [Fact]
    public async Task ResolveAsyncAndReverseAsyncReturnTheResolver()
    {
        var results = new ConcurrentQueue<string>();

        NetResolver forward = Net.ResolveAsync("localhost", info => results.Enqueue($"forward {info.IPv4}"));
        NetResolver reverse = Net.ReverseAsync("127.0.0.1", info => results.Enqueue($"reverse {info.Host}"));
        await Task.WhenAll(forward.Completion, reverse.Completion).WithTimeout();

        Assert.Equal(["forward 127.0.0.1", "reverse localhost"], results.Order());
        Assert.Same(HostResolver.Default, forward.HostResolver);
    }

    [Fact]
    public async Task TheResultSerialisesToRampartsShape()
    {
        var results = new ConcurrentQueue<HostInfo>();
        NetResolver resolver = NewResolver();

        resolver.Resolve("alias.pipenet.test", results.Enqueue);
        await resolver.Completion.WithTimeout();

        Assert.Equal(
            """{"host":"alias.pipenet.test","ip4addrs":["127.0.0.1"],"ip6addrs":["::1"],"ipaddrs":["::1","127.0.0.1"],"ip":"::1","ipv4":"127.0.0.1","ipv6":"::1","canonName":"web.pipenet.test"}""",
            JsonSerializer.Serialize(Assert.Single(results)));
    }

    private sealed class Collector
    {
        private readonly ConcurrentQueue<string> _hosts = new();

        public int Count => _hosts.Count;

        public IEnumerable<string> Hosts => _hosts;

        public void Add(HostInfo info) => _hosts.Enqueue(info.Host);

        public void Add(HostInfo info, string tag) => _hosts.Enqueue($"{tag} {info.Host}");
    }
}
