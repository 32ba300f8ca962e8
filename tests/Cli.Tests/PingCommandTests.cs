namespace PipeNet.Cli.Tests;

/// <summary><c>pipenet ping</c> run as a child process against loopback only.</summary>
public sealed class PingCommandTests
{
    [Fact]
    public async Task PingsLoopbackAndPrintsIputilsShapedStatistics()
    {
        Assert.True(Environment.IsPrivilegedProcess, "CI runs as root; raw ICMP sockets need root or CAP_NET_RAW.");
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync("ping", "-c", "2", "-i", "0.2", "127.0.0.1");
        await using (run)
        {
            Assert.Equal(0, exitCode);
            Assert.StartsWith("PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.", run.StandardOutputLines[0]);
            Assert.Equal(2, run.StandardOutputLines.Count(l => l.StartsWith("64 bytes from 127.0.0.1: icmp_seq=", StringComparison.Ordinal)));
            Assert.Contains(run.StandardOutputLines, l => l.StartsWith("2 packets transmitted, 2 received, 0% packet loss", StringComparison.Ordinal));
            Assert.Contains(run.StandardOutputLines, l => l.StartsWith("rtt min/avg/max/mdev = ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task BadPingArgumentsExitWithTwo()
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync("ping", "-c", "zero", "127.0.0.1");
        await using (run)
        {
            Assert.Equal(2, exitCode);
            Assert.NotEmpty(run.StandardErrorLines);
        }
    }
}
