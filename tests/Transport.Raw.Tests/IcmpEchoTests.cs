using System.Net;
using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

public class IcmpEchoTests
{
    [Fact]
    public void BuildsAnEchoRequestThatParsesAndVerifies()
    {
        byte[] packet = new byte[12];
        int length = IcmpEcho.WriteRequest(packet, 0x1234, 7, "ping"u8);

        Assert.Equal(12, length);
        Assert.True(IcmpEcho.TryParse(packet, out IcmpEchoMessage echo));
        Assert.True(echo.IsRequest);
        Assert.False(echo.IsReply);
        Assert.False(echo.IsIPv6);
        Assert.Equal(IcmpEcho.RequestType, echo.Type);
        Assert.Equal(0, echo.Code);
        Assert.Equal(0x1234, echo.Identifier);
        Assert.Equal(7, echo.SequenceNumber);
        Assert.Equal("ping"u8.ToArray(), echo.Payload.ToArray());
        Assert.True(echo.VerifyChecksum());
    }

    [Fact]
    public void BuildsAnEchoReply()
    {
        byte[] packet = new byte[8];
        IcmpEcho.WriteReply(packet, 1, 2, default);

        Assert.True(IcmpEcho.TryParse(packet, out IcmpEchoMessage echo));
        Assert.True(echo.IsReply);
        Assert.Equal(IcmpEcho.ReplyType, echo.Type);
        Assert.True(InternetChecksum.IsValid(packet));
    }

    [Fact]
    public void Icmpv6ChecksumCoversThePseudoHeaderWhenAddressesAreGiven()
    {
        IPAddress source = IPAddress.Parse("fe80::1");
        IPAddress destination = IPAddress.Parse("fe80::2");
        byte[] packet = new byte[16];
        Icmpv6Echo.WriteRequest(packet, 9, 10, "abcdefgh"u8, source, destination);

        Assert.True(Icmpv6Echo.TryParse(packet, out IcmpEchoMessage echo));
        Assert.True(echo.IsIPv6);
        Assert.True(echo.IsRequest);
        Assert.Equal(Icmpv6Echo.RequestType, echo.Type);
        Assert.NotEqual(0, echo.Checksum);
        Assert.True(echo.VerifyChecksum(source, destination));
        Assert.False(echo.VerifyChecksum(source, IPAddress.Parse("fe80::3")));
        Assert.Throws<InvalidOperationException>(() =>
        {
            Icmpv6Echo.TryParse(packet, out IcmpEchoMessage again);
            again.VerifyChecksum();
        });
    }

    [Fact]
    public void Icmpv6ChecksumIsLeftToTheKernelWithoutAddresses()
    {
        byte[] packet = new byte[8];
        Icmpv6Echo.WriteReply(packet, 9, 10, default);

        Assert.True(Icmpv6Echo.TryParse(packet, out IcmpEchoMessage echo));
        Assert.True(echo.IsReply);
        Assert.Equal(0, echo.Checksum);
    }

    [Fact]
    public void ParsersRejectOtherMessages()
    {
        byte[] unreachable = [3, 1, 0, 0, 0, 0, 0, 0];
        byte[] echoWithCode = [8, 1, 0, 0, 0, 0, 0, 0];
        Assert.False(IcmpEcho.TryParse(unreachable, out _));
        Assert.False(IcmpEcho.TryParse(echoWithCode, out _));
        Assert.False(IcmpEcho.TryParse(new byte[7], out _));
        Assert.False(Icmpv6Echo.TryParse([8, 0, 0, 0, 0, 0, 0, 0], out _));
        Assert.True(Icmpv6Echo.TryParse([129, 0, 0, 0, 0, 0, 0, 0], out _));
    }

    [Fact]
    public void WritersRejectATooSmallBuffer()
    {
        var error = Assert.Throws<ArgumentException>(() => IcmpEcho.WriteRequest(new byte[10], 1, 1, new byte[4]));
        Assert.Equal("destination", error.ParamName);
    }
}
