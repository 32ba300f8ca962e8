using System.Diagnostics;

namespace PipeNet.Transport.Raw.Tests;

/// <summary>Runs this test assembly's <see cref="Program"/> in a child process, optionally behind a wrapper such as setpriv.</summary>
internal static class ChildProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>The arguments that drop every privilege: the nobody user and group, no supplementary groups, no capabilities.</summary>
    public static readonly string[] DropPrivileges = ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"];

    public static Task<Result> RunSelfAsync(params string[] args) => RunAsync(null, [], args);

    public static Task<Result> RunSelfUnprivilegedAsync(params string[] args) => RunAsync("setpriv", DropPrivileges, args);

    public static async Task<Result> RunToolAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return await RunAsync(start);
    }

    public static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists);

    private static async Task<Result> RunAsync(string? wrapper, string[] wrapperArgs, string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : FindOnPath("dotnet") ?? "dotnet";
        var start = new ProcessStartInfo(wrapper ?? dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in wrapperArgs)
        {
            start.ArgumentList.Add(arg);
        }

        if (wrapper is not null)
        {
            start.ArgumentList.Add(dotnet);
        }

        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The nobody user has no home; the host needs none to run an app, but keep it from looking.
        start.Environment["HOME"] = Path.GetTempPath();
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return await RunAsync(start);
    }

    private static async Task<Result> RunAsync(ProcessStartInfo start)
    {
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WithTimeout(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Result(process.ExitCode, await stdout.WithTimeout(), await stderr.WithTimeout());
    }
}
