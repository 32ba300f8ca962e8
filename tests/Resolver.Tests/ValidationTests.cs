using System.Net.Sockets;

namespace PipeNet.Resolver.Tests;

/// <summary>Bad names and addresses are the caller's argument errors, naming the value, before any query is sent.</summary>
public sealed class ValidationTests
{
    private readonly CountingBackend _backend = new();

    private HostResolver NewResolver() => new(new HostResolverOptions(), _backend);

    public static TheoryData<string, string> BadNames => new()
    {
        { "", "empty" },
        { ".", "only a dot" },
        { new string('a', 254), "254 characters" },
        { string.Join('.', Enumerable.Repeat(new string('b', 63), 4)) + "x", "over the limit of 253" },
        { new string('c', 64) + ".example", "64 characters" },
        { "bad name.example", "' '" },
        { "bad/name", "'/'" },
        { "a..b", "empty label" },
        { ".leading", "empty label" },
        { "-start.example", "hyphen" },
        { "end-.example", "hyphen" },
        { "bücher.example", "U+00FC" },
        { "nul\0.example", "U+0000" },
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public void ABadNameIsAnArgumentErrorNamingIt(string name, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => NewResolver().ResolveAsync(name));

        Assert.Equal("host", error.ParamName);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(name.Length > 80 ? name[..80] : name.Replace("\0", "\\u0000", StringComparison.Ordinal), error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _backend.Resolves);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("localhost")]
    [InlineData("_sip._tcp.example.com")]
    [InlineData("xn--bcher-kva.example.")]
    [InlineData("9gag.com")]
    public void GoodNamesPass(string name)
    {
        Assert.True(HostResolver.IsValidHostName(name, out string? reason), reason);
    }

    [Fact]
    public void ANameOfExactly253CharactersPasses()
    {
        string name = string.Join('.', Enumerable.Repeat(new string('d', 63), 4))[..253];

        Assert.True(HostResolver.IsValidHostName(name, out string? reason), reason);
        Assert.True(HostResolver.IsValidHostName(name + ".", out reason), reason);
    }

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("localhost")]
    [InlineData("1.2.3")]
    [InlineData("300.1.1.1")]
    [InlineData("")]
    public void ReverseOfSomethingThatIsNotAnIpIsAnArgumentErrorNamingIt(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => NewResolver().ReverseAsync(value));

        Assert.Equal("address", error.ParamName);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _backend.Reverses);
    }

    [Fact]
    public void NullsAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => NewResolver().ResolveAsync(null!));
        Assert.Throws<ArgumentNullException>(() => NewResolver().ReverseAsync((string)null!));
        Assert.Throws<ArgumentNullException>(() => NewResolver().ReverseAsync((System.Net.IPAddress)null!));
    }

    [Fact]
    public void AnUnknownFamilyIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NewResolver().ResolveAsync("a.example", AddressFamily.AppleTalk));
    }

    [Theory]
    [InlineData("dns.example:53")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("garbage")]
    [InlineData("127.0.0.1:0")]
    public void ABadServerEntryIsRejectedNamingIt(string server)
    {
        var options = new HostResolverOptions();
        options.Servers.Add(server);

        var error = Assert.Throws<ArgumentException>(() => new HostResolver(options));

        Assert.Contains(server, error.Message, StringComparison.Ordinal);
        Assert.Equal("Servers", error.ParamName);
    }

    [Fact]
    public void OptionsRejectOutOfRangeValues()
    {
        var options = new HostResolverOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.Timeout = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.Retries = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxCacheEntries = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.NegativeTtl = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HappyEyeballsOptions().AttemptDelay = TimeSpan.FromMilliseconds(5));
        Assert.Throws<ArgumentNullException>(() => options.TimeProvider = null!);
    }
}
