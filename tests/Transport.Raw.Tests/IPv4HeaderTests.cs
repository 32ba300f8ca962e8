using System.Net;
using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

public class IPv4HeaderTests
{
    [Fact]
    public void ParsesTheHeaderItWrote()
    {
        byte[] datagram = new byte[IPv4Header.MinLength + 5];
        int written = IPv4Header.Write(datagram, RawProtocol.Udp, IPAddress.Parse("10.1.2.3"), IPAddress.Parse("127.0.0.1"), 5, timeToLive: 17, identification: 0x4242);
        "hello"u8.CopyTo(datagram.AsSpan(written));

        Assert.True(IPv4Header.TryParse(datagram, out IPv4Header header));
        Assert.Equal(4, header.Version);
        Assert.Equal(20, header.HeaderLength);
        Assert.Equal(25, header.TotalLength);
        Assert.Equal(0x4242, header.Identification);
        Assert.True(header.DontFragment);
        Assert.False(header.MoreFragments);
        Assert.Equal(0, header.FragmentOffset);
        Assert.Equal(17, header.TimeToLive);
        Assert.Equal(RawProtocol.Udp, header.Protocol);
        Assert.True(header.HasValidChecksum);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), header.SourceAddress);
        Assert.Equal(IPAddress.Loopback, header.DestinationAddress);
        Assert.Equal(new byte[] { 127, 0, 0, 1 }, header.DestinationAddressBytes.ToArray());
        Assert.True(header.Options.IsEmpty);
        Assert.Equal("hello"u8.ToArray(), header.Payload.ToArray());
    }

    [Fact]
    public void SeesOptionsBetweenHeaderAndPayload()
    {
        byte[] datagram = new byte[28];
        IPv4Header.Write(datagram, RawProtocol.Icmp, IPAddress.Loopback, IPAddress.Loopback, 4);
        datagram[0] = 0x46; // IHL 6: one word of options
        datagram.AsSpan(20, 4).Fill(1); // NOPs

        Assert.True(IPv4Header.TryParse(datagram, out IPv4Header header));
        Assert.Equal(24, header.HeaderLength);
        Assert.Equal(new byte[] { 1, 1, 1, 1 }, header.Options.ToArray());
        Assert.Equal(4, header.Payload.Length);
        Assert.False(header.HasValidChecksum); // the checksum predates the change
    }

    [Theory]
    [InlineData(new byte[] { 0x45, 0, 0, 20 })] // too short
    [InlineData(new byte[] { 0x65, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1 })] // version 6
    [InlineData(new byte[] { 0x44, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1 })] // IHL 4 < 5
    [InlineData(new byte[] { 0x4F, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1 })] // IHL past the end
    public void RejectsWhatIsNotAnIPv4Header(byte[] datagram)
    {
        Assert.False(IPv4Header.TryParse(datagram, out _));
    }

    [Fact]
    public void WriteRejectsIPv6Addresses()
    {
        var error = Assert.Throws<ArgumentException>(() => IPv4Header.Write(new byte[20], RawProtocol.Udp, IPAddress.IPv6Loopback, IPAddress.Loopback, 0));
        Assert.Equal("source", error.ParamName);
    }
}
