using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace PipeNet.Tests;

public class NetAddressTests
{
    [Theory]
    [InlineData("127.0.0.1", 80, "127.0.0.1", 80)]
    [InlineData("127.0.0.1:8080", 80, "127.0.0.1", 8080)]
    [InlineData("1.2.3.4:0", 80, "1.2.3.4", 0)]
    [InlineData("1.2.3.4:65535", 0, "1.2.3.4", 65535)]
    [InlineData("0.0.0.0:80", 0, "0.0.0.0", 80)]
    [InlineData("::1", 443, "::1", 443)]
    [InlineData("::1:80", 7, "::1:80", 7)]
    [InlineData("::ffff:127.0.0.1", 1, "::ffff:127.0.0.1", 1)]
    [InlineData("[::1]:8080", 0, "::1", 8080)]
    [InlineData("[::1]", 9, "::1", 9)]
    [InlineData("[::]:0", 9, "::", 0)]
    [InlineData("fe80::1%3", 7, "fe80::1%3", 7)]
    [InlineData("[fe80::1%3]:80", 0, "fe80::1%3", 80)]
    public void ParsesIPAddressesWithAndWithoutPorts(string input, int defaultPort, string expectedAddress, int expectedPort)
    {
        IPEndPoint endPoint = Assert.IsType<IPEndPoint>(NetAddress.Parse(input, defaultPort));

        Assert.Equal(IPAddress.Parse(expectedAddress), endPoint.Address);
        Assert.Equal(expectedPort, endPoint.Port);
    }

    [Theory]
    [InlineData("8080", 1, 8080)]
    [InlineData(":8080", 1, 8080)]
    [InlineData("0", 1, 0)]
    [InlineData(":65535", 1, 65535)]
    public void ReadsABarePortAsAllIPv4Interfaces(string input, int defaultPort, int expectedPort)
    {
        IPEndPoint endPoint = Assert.IsType<IPEndPoint>(NetAddress.Parse(input, defaultPort));

        Assert.Equal(IPAddress.Any, endPoint.Address);
        Assert.Equal(expectedPort, endPoint.Port);
    }

    [Theory]
    [InlineData("*", 5, 5)]
    [InlineData("*:80", 5, 80)]
    [InlineData("any", 5, 5)]
    [InlineData("any:80", 5, 80)]
    [InlineData("ANY:81", 5, 81)]
    public void ReadsStarAndAnyAsDualStackAny(string input, int defaultPort, int expectedPort)
    {
        IPEndPoint endPoint = Assert.IsType<IPEndPoint>(NetAddress.Parse(input, defaultPort));

        Assert.Equal(IPAddress.IPv6Any, endPoint.Address);
        Assert.Equal(expectedPort, endPoint.Port);
    }

    [Theory]
    [InlineData("any4", 5, 5)]
    [InlineData("any4:80", 5, 80)]
    [InlineData("0.0.0.0", 5, 5)]
    public void ReadsAny4AndZeroAddressAsIPv4Any(string input, int defaultPort, int expectedPort)
    {
        IPEndPoint endPoint = Assert.IsType<IPEndPoint>(NetAddress.Parse(input, defaultPort));

        Assert.Equal(IPAddress.Any, endPoint.Address);
        Assert.Equal(expectedPort, endPoint.Port);
    }

    [Theory]
    [InlineData("localhost", 80, "localhost", 80)]
    [InlineData("localhost:8080", 80, "localhost", 8080)]
    [InlineData("example.com:443", 0, "example.com", 443)]
    [InlineData("Example.COM", 1, "Example.COM", 1)]
    [InlineData("example.com.:53", 0, "example.com.", 53)]
    [InlineData("_sip._tcp.example.com", 0, "_sip._tcp.example.com", 0)]
    [InlineData("a-b.c1", 0, "a-b.c1", 0)]
    [InlineData("123.example", 0, "123.example", 0)]
    [InlineData("unix.:80", 0, "unix.", 80)]
    public void ParsesHostNamesAsDnsEndPoints(string input, int defaultPort, string expectedHost, int expectedPort)
    {
        DnsEndPoint endPoint = Assert.IsType<DnsEndPoint>(NetAddress.Parse(input, defaultPort));

        Assert.Equal(expectedHost, endPoint.Host);
        Assert.Equal(expectedPort, endPoint.Port);
    }

    [Fact]
    public void AcceptsSixtyThreeCharacterLabelsAndTwoHundredFiftyThreeCharacterNames()
    {
        string label63 = new('a', 63);
        string name253 = string.Join('.', label63, label63, label63, new string('b', 61));

        Assert.Equal(label63, Assert.IsType<DnsEndPoint>(NetAddress.Parse(label63)).Host);
        Assert.Equal(253, name253.Length);
        Assert.Equal(name253, Assert.IsType<DnsEndPoint>(NetAddress.Parse(name253 + ":1")).Host);
    }

    [Theory]
    [InlineData("/run/app.sock", "/run/app.sock")]
    [InlineData("./rel.sock", "./rel.sock")]
    [InlineData("../up.sock", "../up.sock")]
    [InlineData("unix:/run/a.sock", "/run/a.sock")]
    [InlineData("unix:rel.sock", "rel.sock")]
    [InlineData("UNIX:80", "80")]
    [InlineData("unix:./@odd", "./@odd")]
    [InlineData("@name", "\0name")]
    [InlineData("unix:@name", "\0name")]
    public void ParsesUnixSocketPathsAndAbstractNames(string input, string expectedPath)
    {
        UnixDomainSocketEndPoint endPoint = Assert.IsType<UnixDomainSocketEndPoint>(NetAddress.Parse(input, 80));

        Assert.Equal(new UnixDomainSocketEndPoint(expectedPath), endPoint);
        Assert.Equal(expectedPath.Replace("\0", "@", StringComparison.Ordinal), endPoint.ToString());
    }

    [Fact]
    public void AcceptsUnixPathsAndAbstractNamesOfExactly107Bytes()
    {
        string path = "/" + new string('p', 106);
        string name = new('n', 107);

        Assert.Equal(new UnixDomainSocketEndPoint(path), NetAddress.Parse(path));
        Assert.Equal(new UnixDomainSocketEndPoint("\0" + name), NetAddress.Parse("@" + name));
    }

    [Theory]
    [InlineData("/", 'p', 107, "path of 108 bytes")]
    [InlineData("unix:@", 'n', 108, "name of 108 bytes")]
    [InlineData("@", 'n', 200, "name of 200 bytes")]
    [InlineData("/", 'é', 60, "path of 121 bytes")] // 61 chars: the limit is on the encoded sun_path, not on chars.
    public void RejectsUnixPathsOverTheLinuxLimitInUtf8Bytes(string prefix, char filler, int repeat, string expectedFragment)
    {
        string input = prefix + new string(filler, repeat);

        FormatException error = Assert.Throws<FormatException>(() => NetAddress.Parse(input));

        Assert.Contains($"address: '{input}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 107", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("   ", "is empty")]
    [InlineData("1.2.3.4:99999", "port 99999 outside 0..65535")]
    [InlineData("[::1]:65536", "port 65536 outside 0..65535")]
    [InlineData("99999", "port 99999 outside 0..65535")]
    [InlineData(":70000", "port 70000 outside 0..65535")]
    [InlineData("host:99999999999", "port 99999999999 outside 0..65535")]
    [InlineData("host:", "empty port")]
    [InlineData(":", "empty port")]
    [InlineData("[::1]:", "empty port")]
    [InlineData("host:abc", "port 'abc', which is not a decimal number")]
    [InlineData("host:-1", "port '-1'")]
    [InlineData("host:+80", "port '+80'")]
    [InlineData("host: 80", "port ' 80'")]
    [InlineData(":abc", "port 'abc'")]
    [InlineData("[::1", "missing the ']'")]
    [InlineData("[::1]x", "'x' after ']'")]
    [InlineData("[::1]80", "'80' after ']'")]
    [InlineData("[1.2.3.4]:80", "'1.2.3.4' in brackets, which is not an IPv6 address")]
    [InlineData("[]:80", "'' in brackets")]
    [InlineData("host:port:x", "more than one ':' but is not an IPv6 address")]
    [InlineData("1::2::3", "more than one ':'")]
    [InlineData("fe80::1%", "more than one ':'")]
    [InlineData("fe80::1%no-such-interface-xyz", "zone 'no-such-interface-xyz'")]
    [InlineData("bad host!", "' ', which is not allowed")]
    [InlineData("bad!", "'!', which is not allowed")]
    [InlineData("-bad.com", "label '-bad'")]
    [InlineData("bad-.com:80", "label 'bad-'")]
    [InlineData("a..b", "empty label")]
    [InlineData(".com", "empty label")]
    [InlineData("a.b..", "empty label")]
    [InlineData("münchen.de", "'ü', which is not allowed")]
    [InlineData("1.2.3", "not a valid IPv4 address")]
    [InlineData("256.1.1.1", "not a valid IPv4 address")]
    [InlineData("01.2.3.4:80", "not a valid IPv4 address")]
    [InlineData("0x7f.0.0.1", "not a valid IPv4 address")]
    [InlineData("unix:", "empty Unix socket path")]
    [InlineData("unix:@", "empty abstract socket name")]
    [InlineData("@", "empty abstract socket name")]
    [InlineData("/run/a\0b", "NUL character")]
    public void RejectsMalformedAddressesNamingTheArgumentAndQuotingTheInput(string input, string expectedFragment)
    {
        FormatException error = Assert.Throws<FormatException>(() => NetAddress.Parse(input));

        Assert.StartsWith($"address: '{input}' ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, error.Message, StringComparison.Ordinal);
        Assert.False(NetAddress.TryParse(input, 0, out EndPoint? endPoint));
        Assert.Null(endPoint);
    }

    [Fact]
    public void ExplainsAnOutOfRangePortInOneSentence()
    {
        FormatException error = Assert.Throws<FormatException>(() => NetAddress.Parse("1.2.3.4:99999"));

        Assert.Equal("address: '1.2.3.4:99999' has port 99999 outside 0..65535.", error.Message);
    }

    [Fact]
    public void RejectsLabelsOver63AndNamesOver253Characters()
    {
        string label64 = new string('a', 64) + ".com";
        string name254 = string.Join('.', new string('a', 63), new string('a', 63), new string('a', 63), new string('b', 62));

        FormatException labelError = Assert.Throws<FormatException>(() => NetAddress.Parse(label64));
        FormatException nameError = Assert.Throws<FormatException>(() => NetAddress.Parse(name254));

        Assert.StartsWith($"address: '{label64}' ", labelError.Message, StringComparison.Ordinal);
        Assert.Contains("label of 64 characters", labelError.Message, StringComparison.Ordinal);
        Assert.StartsWith($"address: '{name254}' ", nameError.Message, StringComparison.Ordinal);
        Assert.Contains("host name of 254 characters", nameError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamesTheCallersParameterInTheMessage()
    {
        FormatException error = Assert.Throws<FormatException>(() => NetAddress.Parse("x:y", 0, "ListenAddress"));

        Assert.StartsWith("ListenAddress: 'x:y' has port 'y'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThrowsArgumentNullForANullAddressNamingTheParameter()
    {
        Assert.Equal("address", Assert.Throws<ArgumentNullException>(() => NetAddress.Parse(null!)).ParamName);
        Assert.Equal("ListenAddress", Assert.Throws<ArgumentNullException>(() => NetAddress.Parse(null!, 0, "ListenAddress")).ParamName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    [InlineData(int.MaxValue)]
    public void RejectsADefaultPortOutsideTheRange(int defaultPort)
    {
        Assert.Equal("defaultPort", Assert.Throws<ArgumentOutOfRangeException>(() => NetAddress.Parse("host", defaultPort)).ParamName);
        Assert.Equal("defaultPort", Assert.Throws<ArgumentOutOfRangeException>(() => NetAddress.TryParse("host", defaultPort, out _)).ParamName);
    }

    [Fact]
    public void TryParseReturnsFalseForNull()
    {
        Assert.False(NetAddress.TryParse(null, 0, out EndPoint? endPoint));
        Assert.Null(endPoint);
    }

    [Theory]
    [InlineData("127.0.0.1:80")]
    [InlineData("[::1]")]
    [InlineData("example.com")]
    [InlineData("@abstract")]
    public void TryParseReturnsTheSameEndPointAsParse(string input)
    {
        Assert.True(NetAddress.TryParse(input, 42, out EndPoint? endPoint));
        Assert.Equal(NetAddress.Parse(input, 42), endPoint);
    }

    [Fact]
    public void ResolvesANamedZoneToItsInterfaceIndex()
    {
        NetworkInterface loopback = Assert.Single(
            NetworkInterface.GetAllNetworkInterfaces(),
            nic => nic.NetworkInterfaceType == NetworkInterfaceType.Loopback);
        int index = loopback.GetIPProperties().GetIPv6Properties().Index;

        IPEndPoint endPoint = Assert.IsType<IPEndPoint>(NetAddress.Parse($"[fe80::1%{loopback.Name}]:80"));

        Assert.Equal(index, endPoint.Address.ScopeId);
        Assert.Equal(80, endPoint.Port);
    }

    [Fact]
    public void FormatsEachEndPointKind()
    {
        Assert.Equal("1.2.3.4:80", NetAddress.Format(new IPEndPoint(IPAddress.Parse("1.2.3.4"), 80)));
        Assert.Equal("[::1]:80", NetAddress.Format(new IPEndPoint(IPAddress.IPv6Loopback, 80)));
        Assert.Equal("[fe80::1%3]:443", NetAddress.Format(new IPEndPoint(IPAddress.Parse("fe80::1%3"), 443)));
        Assert.Equal("[::ffff:127.0.0.1]:1", NetAddress.Format(new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 1)));
        Assert.Equal("example.com:80", NetAddress.Format(new DnsEndPoint("example.com", 80)));
        Assert.Equal("unix:/run/app.sock", NetAddress.Format(new UnixDomainSocketEndPoint("/run/app.sock")));
        Assert.Equal("unix:@name", NetAddress.Format(new UnixDomainSocketEndPoint("\0name")));
    }

    [Fact]
    public void FormatsARelativePathStartingWithAtSoItIsNotReadAsAbstract()
    {
        string formatted = NetAddress.Format(new UnixDomainSocketEndPoint("@odd"));

        Assert.Equal("unix:./@odd", formatted);
        Assert.Equal(new UnixDomainSocketEndPoint("./@odd"), NetAddress.Parse(formatted));
    }

    [Fact]
    public void FormatRejectsNullAndUnsupportedEndPoints()
    {
        Assert.Equal("endPoint", Assert.Throws<ArgumentNullException>(() => NetAddress.Format(null!)).ParamName);
        ArgumentException error = Assert.Throws<ArgumentException>(() => NetAddress.Format(new NamedPipeEndPoint("pipe")));
        Assert.Equal("endPoint", error.ParamName);
        Assert.Contains(nameof(NamedPipeEndPoint), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.2.3.4:80")]
    [InlineData("0.0.0.0:0")]
    [InlineData("[::1]:80")]
    [InlineData("[::]:8080")]
    [InlineData("[fe80::1%3]:80")]
    [InlineData("[::ffff:127.0.0.1]:65535")]
    [InlineData("example.com:443")]
    [InlineData("_sip._tcp.example.com.:5060")]
    [InlineData("unix:/run/app.sock")]
    [InlineData("unix:rel.sock")]
    [InlineData("unix:./@odd")]
    [InlineData("unix:@name")]
    public void FormatRoundTripsParse(string canonical)
    {
        EndPoint parsed = NetAddress.Parse(canonical);

        string formatted = NetAddress.Format(parsed);

        Assert.Equal(canonical, formatted);
        Assert.Equal(parsed, NetAddress.Parse(formatted));
    }

    [Theory]
    [InlineData("127.0.0.1", 4)]
    [InlineData("0.0.0.0", 4)]
    [InlineData("255.255.255.255", 4)]
    [InlineData("::1", 6)]
    [InlineData("::", 6)]
    [InlineData("fe80::1%eth0", 6)]
    [InlineData("fe80::1%no-such-interface", 6)]
    [InlineData("::1%a.b-c:d", 6)]
    [InlineData("::ffff:127.0.0.1", 6)]
    [InlineData("1:2:3:4:5:6:7::", 6)]
    [InlineData("1:2:3:4:5:6:7:8", 6)]
    [InlineData("::1:80", 6)]
    [InlineData("1.2.3", 0)]
    [InlineData("01.2.3.4", 0)]
    [InlineData("1.2.3.04", 0)]
    [InlineData("256.1.1.1", 0)]
    [InlineData("0x7f.0.0.1", 0)]
    [InlineData("1.2.3.4.5", 0)]
    [InlineData("1..2.3", 0)]
    [InlineData("1.2.3.", 0)]
    [InlineData("1.2.3.4:80", 0)]
    [InlineData(" 127.0.0.1", 0)]
    [InlineData("127.0.0.1 ", 0)]
    [InlineData("１.2.3.4", 0)]
    [InlineData("example.com", 0)]
    [InlineData("", 0)]
    [InlineData(null, 0)]
    [InlineData("1::2::3", 0)]
    [InlineData("1:2:3:4:5:6:7:8:9", 0)]
    [InlineData("12345::1", 0)]
    [InlineData("::ffff:01.2.3.4", 0)]
    [InlineData("::ffff:1.2.3", 0)]
    [InlineData("[::1]", 0)]
    [InlineData("[::1]:80", 0)]
    [InlineData("fe80::1%", 0)]
    [InlineData("fe80::1%lo%x", 0)]
    [InlineData("fe80::1%eth 0", 0)]
    [InlineData("::1/64", 0)]
    [InlineData(" ::1", 0)]
    [InlineData("::1 ", 0)]
    public void IsIPAnswersLikeNode(string? input, int expected)
    {
        Assert.Equal(expected, NetAddress.IsIP(input));
        Assert.Equal(expected == 4, NetAddress.IsIPv4(input));
        Assert.Equal(expected == 6, NetAddress.IsIPv6(input));
    }
}
