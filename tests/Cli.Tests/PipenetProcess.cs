using System.Diagnostics;
using System.Net;
using System.Text;
using PipeNet.Tests;

namespace PipeNet.Cli.Tests;

/// <summary>
/// Runs <c>pipenet</c> as a child process (<c>dotnet PipeNet.Cli.dll ...</c> from the test output directory),
/// collects its stdout and stderr line by line, and always kills it on dispose so no test leaves one behind.
/// </summary>
internal sealed class PipenetProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "listening ";

    /// <summary>USER_HZ: Linux reports CPU times in /proc in units of 1/100 s on every architecture .NET runs on.</summary>
    private const int ClockTicksPerSecond = 100;

    private readonly Process _process;
    private readonly OutputLines _stdout = new();
    private readonly OutputLines _stderr = new();
    private readonly Lock _lock = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private TaskCompletionSource _outputChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PipenetProcess(Process process)
    {
        _process = process;
        _stdoutPump = PumpAsync(process.StandardOutput, _stdout);
        _stderrPump = PumpAsync(process.StandardError, _stderr);
    }

    /// <summary>The child's process id (the <c>dotnet</c> host running PipeNet.Cli.dll).</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code; only once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The stdout lines so far.</summary>
    public IReadOnlyList<string> StandardOutputLines
    {
        get
        {
            lock (_lock)
            {
                return [.. _stdout.Lines];
            }
        }
    }

    /// <summary>The stderr lines so far.</summary>
    public IReadOnlyList<string> StandardErrorLines
    {
        get
        {
            lock (_lock)
            {
                return [.. _stderr.Lines];
            }
        }
    }

    public string StandardOutput => string.Join('\n', StandardOutputLines);

    public string StandardError => string.Join('\n', StandardErrorLines);

    /// <summary>Starts <c>pipenet</c> with <paramref name="args"/>.</summary>
    public static PipenetProcess Start(params string[] args) => Start(fileLimit: null, args);

    /// <summary>Starts <c>pipenet</c> with at most <paramref name="fileLimit"/> open descriptors (soft and hard), through <c>prlimit</c>.</summary>
    public static PipenetProcess Start(int? fileLimit, params string[] args)
    {
        // env --default-signal resets SIGINT to its default, in case this test host was started with it
        // ignored (a background job of a non-interactive shell): .NET leaves an ignored SIGINT ignored.
        // env and prlimit both exec, so the process id is the dotnet host's.
        var startInfo = new ProcessStartInfo("env")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        startInfo.ArgumentList.Add("--default-signal=INT");
        if (fileLimit is { } limit)
        {
            startInfo.ArgumentList.Add("prlimit");
            startInfo.ArgumentList.Add(FormattableString.Invariant($"--nofile={limit}:{limit}"));
        }

        startInfo.ArgumentList.Add(DotnetHost);
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PipeNet.Cli.dll"));
        foreach (string arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("env did not start.");
        process.StandardInput.Close();
        return new PipenetProcess(process);
    }

    /// <summary>Runs <c>pipenet</c> to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, PipenetProcess Process)> RunAsync(params string[] args)
    {
        PipenetProcess process = Start(args);
        try
        {
            int exitCode = await process.WaitForExitAsync();
            return (exitCode, process);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits for the one <c>listening ADDR</c> line and returns ADDR as an endpoint.</summary>
    public async Task<EndPoint> WaitForListeningAsync(TimeSpan? timeout = null)
    {
        string line = await WaitForLineAsync(_stdout, l => l.StartsWith(ListeningPrefix, StringComparison.Ordinal), timeout);
        return NetAddress.Parse(line[ListeningPrefix.Length..]);
    }

    /// <summary>Waits for a stderr line containing <paramref name="text"/>.</summary>
    public Task<string> WaitForStandardErrorAsync(string text, TimeSpan? timeout = null) =>
        WaitForLineAsync(_stderr, l => l.Contains(text, StringComparison.Ordinal), timeout);

    /// <summary>Sends a signal (<c>TERM</c>, <c>INT</c>) with <c>kill</c>.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().WithTimeout();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the process to exit and for its output to be read to the end; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        await _process.WaitForExitAsync().WithTimeout(timeout);
        await Task.WhenAll(_stdoutPump, _stderrPump).WithTimeout(timeout);
        return _process.ExitCode;
    }

    /// <summary>The process's CPU time (user + system) so far, from /proc/PID/stat.</summary>
    public TimeSpan GetCpuTime()
    {
        // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15 (in clock ticks).
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{Id}/stat");
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException("pipenet is no longer running.", ex);
        }

        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture)
            + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>How many descriptors the process has open, from /proc/PID/fd.</summary>
    public int CountOpenDescriptors() => Directory.GetFileSystemEntries($"/proc/{Id}/fd").Length;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WithTimeout();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";

    private async Task PumpAsync(StreamReader reader, OutputLines output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            Notify(() => output.Lines.Add(line));
        }

        // Wake waiters so they can see the stream ended.
        Notify(() => output.Ended = true);
    }

    private void Notify(Action change)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            change();
            changed = _outputChanged;
            _outputChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private async Task<string> WaitForLineAsync(OutputLines output, Func<string, bool> match, TimeSpan? timeout)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeoutExtensions.DefaultTimeout);
        while (true)
        {
            Task changed;
            bool ended;
            lock (_lock)
            {
                if (output.Lines.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                changed = _outputChanged.Task;
                ended = output.Ended;
            }

            if (ended)
            {
                throw new InvalidOperationException($"pipenet exited without the expected line.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"pipenet did not print the expected line in time.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            }
        }
    }

    private sealed class OutputLines
    {
        public List<string> Lines { get; } = [];

        public bool Ended { get; set; }
    }
}
