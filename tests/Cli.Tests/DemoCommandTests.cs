namespace PipeNet.Cli.Tests;

/// <summary><c>pipenet demo</c> end to end, as a child process.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task DemoRunsAndPrintsASummary()
    {
        (int exitCode, PipenetProcess run) = await PipenetProcess.RunAsync("demo", "--seconds", "1", "--connections", "4");
        await using (run)
        {
            Assert.True(exitCode == 0, $"exit code {exitCode}\nstdout:\n{run.StandardOutput}\nstderr:\n{run.StandardError}");
            string output = run.StandardOutput;
            Assert.Contains("msg/s", output);
            Assert.Contains("p99", output);
            Assert.Contains(run.StandardOutputLines, line => line.Trim().StartsWith("connections       4 (0 failed)", StringComparison.Ordinal));
            Assert.Contains(run.StandardOutputLines, line => line.Trim() == "server            accepted 4, dropped 0");

            string messages = Assert.Single(run.StandardOutputLines, line => line.Trim().StartsWith("messages ", StringComparison.Ordinal));
            long roundTrips = long.Parse(messages.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(roundTrips > 0, messages);
        }
    }
}
