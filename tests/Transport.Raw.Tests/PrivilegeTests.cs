using PipeNet.Transport.Raw;

namespace PipeNet.Transport.Raw.Tests;

/// <summary>The EPERM path: a process without root or CAP_NET_RAW gets a clear NetException, not a crash.</summary>
public class PrivilegeTests
{
    [PrivilegeDropFact]
    public async Task CreatingWithoutPrivilegeFailsWithEpermNamingTheCapability()
    {
        string code;
        string message;
        if (Environment.IsPrivilegedProcess)
        {
            // Root: create the socket in a child process running as nobody with every capability dropped.
            ChildProcess.Result result = await ChildProcess.RunSelfUnprivilegedAsync("create-raw-socket");
            Assert.True(result.ExitCode == Program.CreationFailed, $"exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
            string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            (code, message) = (lines[0], lines[1]);
        }
        else
        {
            var error = Assert.Throws<NetException>(() => RawSocket.Create(o => o.Protocol = RawProtocol.Icmp));
            (code, message) = (error.Code, error.Message);
        }

        Assert.Equal(NetErrorCode.NotPermitted, code);
        Assert.Contains("CAP_NET_RAW", message, StringComparison.Ordinal);
        Assert.Contains("root", message, StringComparison.Ordinal);
    }

    [PrivilegeDropFact]
    public async Task PingWithoutPrivilegeExitsWithTwoAndSaysWhy()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Assert.Equal(PingProgram.ExitError, await PingProgram.RunAsync(["-c", "1", "127.0.0.1"], stdout, stderr).WithTimeout());
            Assert.Contains("CAP_NET_RAW", stderr.ToString(), StringComparison.Ordinal);
            return;
        }

        ChildProcess.Result result = await ChildProcess.RunSelfUnprivilegedAsync("ping", "-c", "1", "127.0.0.1");

        Assert.Equal(PingProgram.ExitError, result.ExitCode);
        Assert.Equal("", result.Stdout); // nothing printed before the failure, as iputils
        Assert.StartsWith("ping: raw IPv4 socket (protocol 1): EPERM: opening raw sockets needs root or the CAP_NET_RAW capability", result.Stderr, StringComparison.Ordinal);
    }
}
