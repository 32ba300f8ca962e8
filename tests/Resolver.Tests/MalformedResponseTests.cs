using System.Net;
using System.Net.Sockets;
using PipeNet.Tests;

namespace PipeNet.Resolver.Tests;

/// <summary>Servers that answer badly, or not at all: each failure is a clear NetException, never a crash.</summary>
public sealed class MalformedResponseTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly IPAddress[] s_addresses = [IPAddress.Parse("192.0.2.10"), IPAddress.Parse("2001:db8::10")];

    // Generous where an answer comes (a loaded machine must not turn it into ETIMEDOUT); short where silence is the point.
    private static readonly TimeSpan s_answerTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_silenceTimeout = TimeSpan.FromMilliseconds(500);

    private static HostResolver NewResolver(params string[] servers) => NewResolver(s_answerTimeout, servers);

    private static HostResolver NewResolver(TimeSpan timeout, params string[] servers)
    {
        var options = new HostResolverOptions { Timeout = timeout, Retries = 0 };
        foreach (string server in servers)
        {
            options.Servers.Add(server);
        }

        return new HostResolver(options);
    }

    /// <summary>Each kind of bad answer and the code it must give: an empty datagram is no answer at all, so the query times out.</summary>
    public static TheoryData<string, string> Garbage => new()
    {
        { "empty", NetErrorCode.TimedOut },
        { "five-bytes", NetErrorCode.BadResponse },
        { "random", NetErrorCode.BadResponse },
        { "header-only", NetErrorCode.BadResponse },
        { "answers-missing", NetErrorCode.BadResponse },
        { "bad-pointer", NetErrorCode.BadResponse },
        { "wrong-id", NetErrorCode.BadResponse },
    };

    private static byte[]? Respond(string kind, byte[] query)
    {
        byte[] good = TestDnsMessage.Answer(query, s_addresses);
        switch (kind)
        {
            case "empty":
                return [];
            case "five-bytes":
                return good[..5];
            case "random":
                var random = new Random(kind.Length);
                byte[] noise = new byte[200];
                random.NextBytes(noise);
                noise[0] = query[0];
                noise[1] = query[1];
                return noise;
            case "header-only":
                return good[..12];
            case "answers-missing":
                // Claims answers, then ends right after the question.
                byte[] cut = good[..(query.Length)];
                cut[2] = 0x81;
                cut[7] = 3;
                return cut;
            case "bad-pointer":
                byte[] looped = (byte[])good.Clone();
                looped[query.Length] = 0xC0;
                looped[query.Length + 1] = (byte)query.Length; // a name pointing at itself
                return looped;
            case "wrong-id":
                byte[] other = (byte[])good.Clone();
                other[0] ^= 0xFF;
                return other;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task AnUnreadableResponseIsAClearErrorAndTheResolverKeepsWorking(string kind, string expected)
    {
        bool behave = false;
        await using var server = new TestDnsServer((query, _) => Volatile.Read(ref behave) ? TestDnsMessage.Answer(query, s_addresses) : Respond(kind, query));
        HostResolver resolver = NewResolver(expected == NetErrorCode.TimedOut ? s_silenceTimeout : s_answerTimeout, server.Server);

        var error = await Assert.ThrowsAsync<NetException>(() => resolver.ResolveAsync("garbled.example", AddressFamily.InterNetwork).WithTimeout());

        output.WriteLine($"{kind}: {error.Message}");
        Assert.Equal(expected, error.Code);
        Assert.Contains("garbled.example", error.Message, StringComparison.Ordinal);

        Volatile.Write(ref behave, true);
        HostInfo info = await ResolveAgainAsync(resolver, expected == NetErrorCode.TimedOut);
        Assert.Equal([s_addresses[0]], info.Addresses);
    }

    /// <summary>
    /// Resolves garbled.example again. With the short timeout, a loaded machine may let a good answer come after it:
    /// that is ETIMEDOUT, not a broken resolver, so it is asked again (a few times).
    /// </summary>
    private static async Task<HostInfo> ResolveAgainAsync(HostResolver resolver, bool shortTimeout)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await resolver.ResolveAsync("garbled.example", AddressFamily.InterNetwork).WithTimeout();
            }
            catch (NetException ex) when (shortTimeout && ex.Code == NetErrorCode.TimedOut && attempt < 10)
            {
            }
        }
    }

    [Fact]
    public async Task ATruncatedUdpAnswerIsAskedAgainOverTcp()
    {
        await using var server = new TestDnsServer((query, overTcp) =>
            overTcp ? TestDnsMessage.Answer(query, s_addresses) : TestDnsMessage.Answer(query, [], truncated: true));

        HostInfo info = await NewResolver(server.Server).ResolveAsync("big.example").WithTimeout();

        Assert.Equal([s_addresses[1], s_addresses[0]], info.Addresses);
        Assert.Equal(2, server.UdpQueries);
        Assert.Equal(2, server.TcpQueries);
    }

    [Fact]
    public async Task ACNameWithoutItsTargetsRecordsIsFollowedByAnotherQuery()
    {
        await using var server = new TestDnsServer((query, _) => TestDnsMessage.ReadQuery(query).Name switch
        {
            "www.example" => TestDnsMessage.CNameAnswer(query, "edge.example.net"),
            "edge.example.net" => TestDnsMessage.CNameAnswer(query, "host.example.org", ttl: 10),
            _ => TestDnsMessage.Answer(query, s_addresses),
        });

        HostInfo info = await NewResolver(server.Server).ResolveAsync("www.example", AddressFamily.InterNetwork).WithTimeout();

        Assert.Equal([s_addresses[0]], info.Addresses);
        Assert.Equal("host.example.org", info.CanonicalName);
        Assert.Equal(3, server.UdpQueries);
    }

    [Fact]
    public async Task ACNameLoopIsABadResponseNotAHang()
    {
        await using var server = new TestDnsServer((query, _) => TestDnsMessage.ReadQuery(query).Name switch
        {
            "a.loop.example" => TestDnsMessage.CNameAnswer(query, "b.loop.example"),
            _ => TestDnsMessage.CNameAnswer(query, "a.loop.example"),
        });

        var error = await Assert.ThrowsAsync<NetException>(() => NewResolver(server.Server).ResolveAsync("a.loop.example", AddressFamily.InterNetwork).WithTimeout());

        Assert.Equal(NetErrorCode.BadResponse, error.Code);
        Assert.Contains("CNAME", error.Message, StringComparison.Ordinal);
        Assert.Equal(9, server.UdpQueries);
    }

    [Fact]
    public async Task NoAnswerInTimeIsTimedOut()
    {
        await using var server = new TestDnsServer((_, _) => null);

        var error = await Assert.ThrowsAsync<NetException>(() => NewResolver(s_silenceTimeout, server.Server).ResolveAsync("silent.example").WithTimeout());

        Assert.Equal(NetErrorCode.TimedOut, error.Code);
        Assert.Contains("silent.example", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetriesAskTheSameServerAgain()
    {
        int seen = 0;
        await using var server = new TestDnsServer((query, _) => Interlocked.Increment(ref seen) == 1 ? null : TestDnsMessage.Answer(query, s_addresses));
        var options = new HostResolverOptions { Timeout = TimeSpan.FromSeconds(2), Retries = 1 }; // also the time the retry has to be answered
        options.Servers.Add(server.Server);

        HostInfo info = await new HostResolver(options).ResolveAsync("flaky.example", AddressFamily.InterNetwork).WithTimeout();

        Assert.Equal([s_addresses[0]], info.Addresses);
        Assert.Equal(2, server.UdpQueries);
    }

    [Theory]
    [InlineData(2, "ESERVFAIL")]
    [InlineData(5, "EREFUSED")]
    [InlineData(3, "ENOTFOUND")]
    public async Task AServerErrorCodeBecomesItsNetErrorCode(int responseCode, string expected)
    {
        await using var server = new TestDnsServer((query, _) => TestDnsMessage.Answer(query, [], responseCode));

        var error = await Assert.ThrowsAsync<NetException>(() => NewResolver(server.Server).ResolveAsync("refused.example").WithTimeout());

        Assert.Equal(expected, error.Code);
    }

    [Fact]
    public async Task ARefusingServerIsFollowedByTheNext()
    {
        await using var refusing = new TestDnsServer((query, _) => TestDnsMessage.Answer(query, [], responseCode: 5));
        await using var good = new TestDnsServer((query, _) => TestDnsMessage.Answer(query, s_addresses));

        HostInfo info = await NewResolver(refusing.Server, good.Server).ResolveAsync("rotate.example", AddressFamily.InterNetwork).WithTimeout();

        Assert.Equal([s_addresses[0]], info.Addresses);
        Assert.Equal(1, refusing.UdpQueries);
        Assert.Equal(1, good.UdpQueries);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RotateServersSpreadsQueriesOverTheServers(bool rotate)
    {
        await using var first = new TestDnsServer((query, _) => TestDnsMessage.Answer(query, s_addresses));
        await using var second = new TestDnsServer((query, _) => TestDnsMessage.Answer(query, s_addresses));
        var options = new HostResolverOptions { RotateServers = rotate, MaxCacheEntries = 0 };
        options.Servers.Add(first.Server);
        options.Servers.Add(second.Server);
        var resolver = new HostResolver(options);

        for (int i = 0; i < 10; i++)
        {
            await resolver.ResolveAsync($"spread{i}.example", AddressFamily.InterNetwork).WithTimeout();
        }

        Assert.Equal(10, first.UdpQueries + second.UdpQueries);
        if (rotate)
        {
            Assert.True(first.UdpQueries > 0 && second.UdpQueries > 0, $"first {first.UdpQueries}, second {second.UdpQueries}");
        }
        else
        {
            Assert.Equal(10, first.UdpQueries);
        }
    }

    [Fact]
    public async Task AFloodOfGarbageLeavesOtherLookupsUnaffected()
    {
        // One server answers one name with garbage and another name well: the good name's lookups all succeed.
        await using var server = new TestDnsServer((query, _) =>
            TestDnsMessage.ReadQuery(query).Name.StartsWith("bad", StringComparison.Ordinal) ? Respond("random", query) : TestDnsMessage.Answer(query, s_addresses));
        HostResolver resolver = NewResolver(server.Server);

        Task<HostInfo>[] bad = [.. Enumerable.Range(0, 20).Select(i => resolver.ResolveAsync($"bad{i}.example", AddressFamily.InterNetwork).AsTask())];
        Task<HostInfo>[] goodLookups = [.. Enumerable.Range(0, 20).Select(i => resolver.ResolveAsync($"good{i}.example", AddressFamily.InterNetwork).AsTask())];

        HostInfo[] answers = await Task.WhenAll(goodLookups).WithTimeout();
        Assert.All(answers, a => Assert.Equal([s_addresses[0]], a.Addresses));
        foreach (Task<HostInfo> lookup in bad)
        {
            var error = await Assert.ThrowsAsync<NetException>(() => lookup.WithTimeout());
            Assert.Equal(NetErrorCode.BadResponse, error.Code);
        }
    }
}
