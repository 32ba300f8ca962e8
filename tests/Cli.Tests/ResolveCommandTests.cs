using System.Net.Sockets;
using System.Text.Json;
using PipeNet.Tests;

namespace PipeNet.Cli.Tests;

/// <summary><c>pipenet resolve</c> as a child process, against dnsmasq on loopback and the system resolver for localhost.</summary>
public sealed class ResolveCommandTests(DnsmasqFixture fixture) : IClassFixture<DnsmasqFixture>
{
    [Fact]
    public async Task PrintsAddressesLikeTheHostTool()
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync("resolve", "alias.pipenet.test", "--server", fixture.Server.Server);
        await using (run)
        {
            Assert.Equal(0, exitCode);
            Assert.Equal(
                ["alias.pipenet.test is an alias for web.pipenet.test.", "web.pipenet.test has IPv6 address ::1", "web.pipenet.test has address 127.0.0.1"],
                run.StandardOutputLines);
        }
    }

    [Fact]
    public async Task JsonIsRampartsShape()
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync("resolve", "web.pipenet.test", "--server", fixture.Server.Server, "--json", "--family", "4");
        await using (run)
        {
            Assert.Equal(0, exitCode);
            using JsonDocument json = JsonDocument.Parse(string.Join('\n', run.StandardOutputLines));
            JsonElement root = json.RootElement;
            Assert.Equal("web.pipenet.test", root.GetProperty("host").GetString());
            Assert.Equal(["127.0.0.1"], root.GetProperty("ip4addrs").EnumerateArray().Select(e => e.GetString()));
            Assert.Empty(root.GetProperty("ip6addrs").EnumerateArray());
            Assert.Equal(["127.0.0.1"], root.GetProperty("ipaddrs").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("127.0.0.1", root.GetProperty("ip").GetString());
            Assert.Equal("127.0.0.1", root.GetProperty("ipv4").GetString());
            Assert.False(root.TryGetProperty("ipv6", out _));
        }
    }

    [Fact]
    public async Task ReverseLooksUpPtrRecords()
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync("resolve", "--reverse", "127.0.0.9", "--server", fixture.Server.Server);
        await using (run)
        {
            Assert.Equal(0, exitCode);
            Assert.Equal(["nine.pipenet.test"], run.StandardOutputLines);
        }
    }

    [Fact]
    public async Task TheSystemResolverAnswersWithoutServers()
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync("resolve", "localhost", "--family", "4");
        await using (run)
        {
            Assert.Equal(0, exitCode);
            Assert.Contains("localhost has address 127.0.0.1", run.StandardOutputLines);
        }
    }

    [Fact]
    public async Task AnUnknownNameExitsWithOneAndSaysEnotfound()
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync("resolve", "missing.pipenet.test", "--server", fixture.Server.Server);
        await using (run)
        {
            Assert.Equal(1, exitCode);
            Assert.Empty(run.StandardOutputLines);
            Assert.Contains(run.StandardErrorLines, l => l.Contains("ENOTFOUND", StringComparison.Ordinal) && l.Contains("missing.pipenet.test", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ABadNameExitsWithTwoNamingIt()
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync("resolve", "bad_name!");
        await using (run)
        {
            Assert.Equal(2, exitCode);
            Assert.Contains(run.StandardErrorLines, l => l.Contains("'bad_name!'", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("resolve")]
    [InlineData("resolve", "a.example", "--family", "5")]
    [InlineData("resolve", "a.example", "b.example")]
    [InlineData("resolve", "a.example", "--server", "dns.example")]
    [InlineData("resolve", "--reverse", "localhost")]
    [InlineData("resolve", "a.example", "--bogus")]
    public async Task BadCommandLinesExitWithTwo(params string[] args)
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync(args);
        await using (run)
        {
            Assert.Equal(2, exitCode);
            Assert.NotEmpty(run.StandardErrorLines);
        }
    }

    [Fact]
    public void ParsesEveryOption()
    {
        ResolveCommand.Arguments parsed = ResolveCommand.Parse(["web.example", "--server", "127.0.0.1:53", "--server", "[::1]:5353", "--family", "6", "--timeout", "750", "--json"]);

        Assert.Equal("web.example", parsed.Target);
        Assert.False(parsed.Reverse);
        Assert.Equal(AddressFamily.InterNetworkV6, parsed.Family);
        Assert.Equal(["127.0.0.1:53", "[::1]:5353"], parsed.Servers);
        Assert.Equal(TimeSpan.FromMilliseconds(750), parsed.Timeout);
        Assert.True(parsed.Json);
    }
}
