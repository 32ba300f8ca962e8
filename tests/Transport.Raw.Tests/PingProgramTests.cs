using System.Text.RegularExpressions;
using PipeNet.Transport.Raw;
using Xunit.Abstractions;

namespace PipeNet.Transport.Raw.Tests;

public partial class PingProgramTests(ITestOutputHelper output)
{
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exitCode = await PingProgram.RunAsync(args, stdout, stderr).WithTimeout(TimeSpan.FromSeconds(60));
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Replaces what differs between two runs (times) so that only the shape remains.</summary>
    private static string Shape(string text, bool dropTtl = false)
    {
        string shape = ReplyTime().Replace(text, "time=T ms");
        shape = TotalTime().Replace(shape, "time Tms");
        shape = RoundTrips().Replace(shape, "rtt min/avg/max/mdev = A/B/C/D ms");
        return dropTtl ? Ttl().Replace(shape, "") : shape;
    }

    [IputilsTheory]
    [InlineData("3")]
    [InlineData("5")]
    public async Task PrintsWhatIputilsPingPrints(string count)
    {
        string[] args = ["-c", count, "127.0.0.1"];
        Task<(int, string, string)> ours = RunAsync(args);
        Task<ChildProcess.Result> theirs = ChildProcess.RunToolAsync("ping", args);

        (int exitCode, string stdout, string stderr) = await ours;
        ChildProcess.Result iputils = await theirs;
        output.WriteLine($"pipenet ping {string.Join(' ', args)}\n{stdout}\niputils ping {string.Join(' ', args)}\n{iputils.Stdout}");

        Assert.Equal(iputils.ExitCode, exitCode);
        Assert.Equal(0, exitCode);
        Assert.Equal("", stderr);
        Assert.Equal(Shape(iputils.Stdout), Shape(stdout));
        Assert.Equal(int.Parse(count), Regex.Count(stdout, "^64 bytes from 127.0.0.1: icmp_seq=[1-5] ttl=64 time=", RegexOptions.Multiline));
        Assert.Equal(Regex.Count(iputils.Stdout, " bytes from "), Regex.Count(stdout, " bytes from "));
        Assert.Contains($"{count} packets transmitted, {count} received, 0% packet loss, time ", stdout, StringComparison.Ordinal);
    }

    [IputilsFact]
    public async Task PrintsWhatIputilsPrintsForIPv6LessTheTtl()
    {
        string[] args = ["-6", "-c", "2", "-i", "0.2", "-s", "100", "::1"];
        Task<(int, string, string)> ours = RunAsync(args);
        Task<ChildProcess.Result> theirs = ChildProcess.RunToolAsync("ping", args);

        (int exitCode, string stdout, _) = await ours;
        ChildProcess.Result iputils = await theirs;
        output.WriteLine($"{stdout}\n{iputils.Stdout}");

        Assert.Equal(0, exitCode);
        Assert.Equal(Shape(iputils.Stdout, dropTtl: true), Shape(stdout));
        Assert.StartsWith("PING ::1(::1) 100 data bytes", stdout, StringComparison.Ordinal);
    }

    [RawFact]
    public async Task HonoursTtlSizeIntervalAndTimeoutFlags()
    {
        (int exitCode, string stdout, string stderr) = await RunAsync("127.0.0.1", "-c2", "-i", "0.05", "-t", "9", "-s", "1000", "-W", "2");

        Assert.Equal(0, exitCode);
        Assert.Equal("", stderr);
        Assert.StartsWith("PING 127.0.0.1 (127.0.0.1) 1000(1028) bytes of data.", stdout, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(stdout, "^1008 bytes from 127.0.0.1: icmp_seq=[12] ttl=64 time=", RegexOptions.Multiline));
    }

    [RawFact]
    public async Task ExitsWithOneWhenNoReplyComes()
    {
        // Requests on an unused protocol number reach loopback and are never answered; the clock is fake.
        var clock = new WatchedClock();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Task<int> run = PingProgram.RunAsync(["-c", "2", "-W", "1", "127.0.0.1"], stdout, stderr, clock,
            options => RawSocket.Create(o => { o.Protocol = (RawProtocol)253; o.BufferSize = options.BufferSize; }), CancellationToken.None);

        // One second: the first request's timeout and the interval before the second; another: the second's timeout.
        TimeSpan second = TimeSpan.FromSeconds(1);
        await clock.WaitForTimersAsync(second, 2);
        clock.Advance(second);
        await clock.WaitForTimersAsync(second, 3);
        clock.Advance(second);

        Assert.Equal(PingProgram.ExitNoReply, await run.WithTimeout());
        string text = stdout.ToString();
        Assert.Matches("(?m)^2 packets transmitted, 0 received, 100% packet loss, time 2000ms$", text);
        Assert.DoesNotContain("bytes from", text, StringComparison.Ordinal);
        Assert.DoesNotContain("rtt", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "-c", "0", "127.0.0.1" }, "ping: invalid argument: '0': out of range: 1 <= value <= 2147483647")]
    [InlineData(new[] { "-c", "x", "127.0.0.1" }, "ping: invalid argument: 'x'")]
    [InlineData(new[] { "-t", "256", "127.0.0.1" }, "ping: invalid argument: '256': out of range: 1 <= value <= 255")]
    [InlineData(new[] { "-s", "65508", "127.0.0.1" }, "ping: invalid argument: '65508': out of range: 0 <= value <= 65507")]
    [InlineData(new[] { "-i", "-1", "127.0.0.1" }, "ping: bad timing interval: -1")]
    [InlineData(new[] { "-W", "0", "127.0.0.1" }, "ping: bad linger time: 0")]
    [InlineData(new[] { "-x", "127.0.0.1" }, "ping: invalid option -- 'x'")]
    [InlineData(new[] { "127.0.0.1", "-c" }, "ping: option requires an argument -- 'c'")]
    [InlineData(new[] { "-c", "1" }, "ping: usage error: Destination address required")]
    [InlineData(new[] { "-4", "-6", "::1" }, "ping: only one -4 or -6 option may be specified")]
    public async Task RejectsBadArgumentsWithExitCodeTwo(string[] args, string message)
    {
        (int exitCode, string stdout, string stderr) = await RunAsync(args);

        Assert.Equal(PingProgram.ExitError, exitCode);
        Assert.Equal("", stdout);
        Assert.StartsWith(message + Environment.NewLine, stderr, StringComparison.Ordinal);
        Assert.Contains("Usage", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-6", "127.0.0.1")]
    [InlineData("-4", "::1")]
    public async Task RejectsAnAddressOfTheWrongFamily(string flag, string address)
    {
        (int exitCode, _, string stderr) = await RunAsync(flag, "-c", "1", address);

        Assert.Equal(PingProgram.ExitError, exitCode);
        Assert.Equal($"ping: {address}: Address family for hostname not supported{Environment.NewLine}", stderr);
    }

    [Fact]
    public async Task PrintsUsageForHelp()
    {
        (int exitCode, string stdout, _) = await RunAsync("-h");

        Assert.Equal(0, exitCode);
        Assert.Contains("pipenet ping [options] <destination>", stdout, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"time=\d+(\.\d+)? ms")]
    private static partial Regex ReplyTime();

    [GeneratedRegex(@"time \d+ms")]
    private static partial Regex TotalTime();

    [GeneratedRegex(@"rtt min/avg/max/mdev = [\d.]+/[\d.]+/[\d.]+/[\d.]+ ms")]
    private static partial Regex RoundTrips();

    [GeneratedRegex(@" ttl=\d+")]
    private static partial Regex Ttl();
}
