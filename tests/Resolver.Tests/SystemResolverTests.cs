using System.Net;
using System.Net.Sockets;
using PipeNet.Tests;

namespace PipeNet.Resolver.Tests;

/// <summary>The system back end, with names that never leave the machine: localhost (from /etc/hosts) and literal addresses.</summary>
public sealed class SystemResolverTests
{
    [Fact]
    public async Task ResolvesLocalhostToLoopback()
    {
        HostInfo info = await new HostResolver().ResolveAsync("localhost", AddressFamily.InterNetwork).WithTimeout();

        Assert.Equal("localhost", info.Host);
        Assert.Contains(IPAddress.Loopback, info.Addresses);
        Assert.All(info.Addresses, a => Assert.True(IPAddress.IsLoopback(a)));
        Assert.Equal(IPAddress.Loopback, info.IPv4);
    }

    [Fact]
    public async Task TheDefaultResolverIsTheSystemOne()
    {
        Assert.Empty(HostResolver.Default.Servers);
        HostInfo info = await HostResolver.Default.ResolveAsync("localhost").WithTimeout();

        Assert.NotEmpty(info.Addresses);
        Assert.All(info.Addresses, a => Assert.True(IPAddress.IsLoopback(a)));
    }

    [Theory]
    [InlineData("127.0.0.1", 4)]
    [InlineData("::1", 6)]
    [InlineData("2001:db8::7", 6)]
    public async Task ALiteralAddressResolvesToItselfWithoutAQuery(string literal, int family)
    {
        var backend = new CountingBackend();
        var resolver = new HostResolver(new HostResolverOptions(), backend);

        HostInfo info = await resolver.ResolveAsync(literal).WithTimeout();

        Assert.Equal(0, backend.Resolves);
        Assert.Equal([IPAddress.Parse(literal)], info.Addresses);
        Assert.Equal(family == 4 ? 1 : 0, info.IPv4Addresses.Count);
    }

    [Fact]
    public async Task ALiteralOfTheOtherFamilyIsNotFound()
    {
        var error = await Assert.ThrowsAsync<NetException>(() => new HostResolver().ResolveAsync("127.0.0.1", AddressFamily.InterNetworkV6).WithTimeout());

        Assert.Equal(NetErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task ReverseOfLoopbackIsLocalhost()
    {
        Assert.Equal("localhost", await new HostResolver().ReverseAsync("127.0.0.1").WithTimeout());
    }
}
