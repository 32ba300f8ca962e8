using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

public class RawSocketOptionsTests
{
    [Fact]
    public void DefaultsFollowTheSeed()
    {
        var options = new RawSocketOptions();

        Assert.Equal(RawAddressFamily.IPv4, options.AddressFamily);
        Assert.Equal(RawProtocol.None, options.Protocol);
        Assert.Equal(4096, options.BufferSize);
        Assert.False(options.GenerateChecksums);
        Assert.Equal(0, options.ChecksumOffset);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(256)]
    [InlineData(1000)]
    public void RejectsAProtocolNumberOutOfRangeNamingIt(int protocol)
    {
        var options = new RawSocketOptions();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.Protocol = (RawProtocol)protocol);
        Assert.Equal(nameof(RawSocketOptions.Protocol), error.ParamName);
        Assert.Contains("0 to 255", error.Message, StringComparison.Ordinal);
        Assert.Equal(protocol, error.ActualValue);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    [InlineData(132)]
    public void AcceptsAnyProtocolNumberFrom0To255(int protocol)
    {
        var options = new RawSocketOptions { Protocol = (RawProtocol)protocol };
        Assert.Equal(protocol, (int)options.Protocol);
    }

    [Fact]
    public void RejectsOtherOutOfRangeValuesNamingThem()
    {
        var options = new RawSocketOptions();

        Assert.Equal("BufferSize", Assert.Throws<ArgumentOutOfRangeException>(() => options.BufferSize = 0).ParamName);
        Assert.Equal("BufferSize", Assert.Throws<ArgumentOutOfRangeException>(() => options.BufferSize = RawSocketOptions.MaxBufferSize + 1).ParamName);
        Assert.Equal("ChecksumOffset", Assert.Throws<ArgumentOutOfRangeException>(() => options.ChecksumOffset = -1).ParamName);
        Assert.Equal("AddressFamily", Assert.Throws<ArgumentOutOfRangeException>(() => options.AddressFamily = (RawAddressFamily)7).ParamName);
    }
}
