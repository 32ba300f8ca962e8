using System.Net;
using System.Net.Sockets;
using PipeNet.Transport.Tcp.Internal.Epoll;

namespace PipeNet.Transport.Tcp.Tests;

/// <summary>The epoll engine keeps an IPv4 peer packed into one number until someone asks for its end point.</summary>
public sealed class PackedAddressTests
{
    [Theory]
    [InlineData("127.0.0.1", 1)]
    [InlineData("127.0.0.20", 65535)]
    [InlineData("10.1.2.3", 8080)]
    [InlineData("0.0.0.0", 0)]
    public void AnIPv4SockaddrRoundTrips(string address, int port)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(address), port);
        long packed = LinuxInterop.PackIPv4(endPoint.Serialize().Buffer.Span);
        Assert.NotEqual(0, packed);
        Assert.Equal(endPoint, LinuxInterop.UnpackIPv4(packed));
    }

    [Fact]
    public void OtherFamiliesAreNotPacked()
    {
        Assert.Equal(0, LinuxInterop.PackIPv4(new IPEndPoint(IPAddress.IPv6Loopback, 80).Serialize().Buffer.Span));
        Assert.Equal(0, LinuxInterop.PackIPv4(new UnixDomainSocketEndPoint("pipenet.sock").Serialize().Buffer.Span));
        Assert.Equal(0, LinuxInterop.PackIPv4([2, 0]));
    }
}
