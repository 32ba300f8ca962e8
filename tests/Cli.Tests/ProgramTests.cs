using PipeNet.Tests;

namespace PipeNet.Cli.Tests;

/// <summary>The command-line contract as a script sees it: exit codes, stderr, usage.</summary>
public sealed class ProgramTests
{
    public static TheoryData<string[]> BadArguments => new()
    {
        new[] { "bogus" },
        new[] { "echo", "--bogus" },
        new[] { "echo", "--listen" },
        new[] { "echo", "--listen", "--max-connections", "2" },
        new[] { "echo", "--max-connections", "many" },
        new[] { "echo", "--max-connections", "-1" },
        new[] { "echo", "--idle-timeout", "0" },
        new[] { "echo", "--listen", "127.0.0.1:65536" },
        new[] { "echo", "--listen", "1.2.3" },
        new[] { "echo", "--listen", "[::1" },
        new[] { "echo", "--api", "callbacks" },
        new[] { "demo", "--seconds", "-1" },
        new[] { "demo", "--connections", "0" },
        new[] { "demo", "--size", "64k" },
        new[] { "demo", "stray" },
        new[] { "--listen", "127.0.0.1:0" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task BadArgumentsExitWithTwoAfterOneErrorLineAndTheUsage(string[] args)
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync(args);
        await using (run)
        {
            Assert.Equal(2, exitCode);
            IReadOnlyList<string> stderr = run.StandardErrorLines;
            Assert.StartsWith("pipenet: ", stderr[0]);
            Assert.Equal("Usage:", stderr[1]);
            Assert.Empty(run.StandardOutputLines);
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("echo", "--help")]
    public async Task HelpPrintsTheUsageAndExitsWithZero(params string[] args)
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync(args);
        await using (run)
        {
            Assert.Equal(0, exitCode);
            Assert.Equal("Usage:", run.StandardOutputLines[0]);
            Assert.Contains(run.StandardOutputLines, line => line.Contains("pipenet demo", StringComparison.Ordinal));
            Assert.Empty(run.StandardErrorLines);
        }
    }

    [Fact]
    public async Task NoArgumentsPrintsTheUsageAndExitsWithTwo()
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync();
        await using (run)
        {
            Assert.Equal(2, exitCode);
            Assert.Equal("Usage:", run.StandardErrorLines[0]);
            Assert.Empty(run.StandardOutputLines);
        }
    }
}
