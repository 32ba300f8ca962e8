using System.Diagnostics;

namespace PipeNet.Cli;

/// <summary>
/// <c>pipenet bench [ARGS]</c>: runs the side-by-side perf harness (<c>perf/PipeNet.Perf</c>) of the PipeNet checkout
/// this tool runs from (or the current directory is in), passing ARGS through (<c>--quick</c>, <c>--scenarios</c>, ...).
/// The harness lives in the repository, not in the tool, because it measures Kestrel's transport beside PipeNet's
/// and so needs the ASP.NET Core shared framework, which a networking tool should not.
/// </summary>
internal static class BenchCommand
{
    private const string HarnessProject = "perf/PipeNet.Perf/PipeNet.Perf.csproj";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stderr, CancellationToken cancellationToken)
    {
        if ((FindCheckout(AppContext.BaseDirectory) ?? FindCheckout(Directory.GetCurrentDirectory())) is not { } root)
        {
            await stderr.WriteLineAsync("pipenet bench: the perf harness ships with the PipeNet sources; run this from a checkout (PipeNet.slnx and perf/ were not found above the tool or the current directory).").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false };
        foreach (string arg in (string[])["run", "-c", "Release", "--project", HarnessProject, "--", "run", .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using Process harness = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started.");
        try
        {
            await harness.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Interrupted: stop the harness and, with it, the servers it started (they exit on stdin EOF).
            harness.Kill(entireProcessTree: true);
            await harness.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        return harness.ExitCode == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string? FindCheckout(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PipeNet.slnx")) && File.Exists(Path.Combine(dir.FullName, HarnessProject)))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
