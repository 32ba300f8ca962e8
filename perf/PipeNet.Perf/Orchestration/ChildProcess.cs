using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace PipeNet.Perf.Orchestration;

/// <summary>
/// A child <c>dotnet PipeNet.Perf.dll …</c> process: its stdout as a stream of lines to wait on, its
/// stdin to send commands to, the tail of its stderr for error messages. Disposing kills it (and
/// anything it started) if it has not exited: no child outlives its run.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int StderrTailLines = 20;

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<string> _stderrTail = new();
    private readonly string _name;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    public int Id => _process.Id;

    public static ChildProcess Start(string name, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PipeNet.Perf.dll"));
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach ((string key, string? value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                child._lines.Writer.TryComplete();
            }
            else
            {
                child._lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stderrTail)
                {
                    child._stderrTail.Enqueue(e.Data);
                    if (child._stderrTail.Count > StderrTailLines)
                    {
                        child._stderrTail.Dequeue();
                    }
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the next stdout line starting with <paramref name="prefix"/> and returns the rest of it.</summary>
    /// <exception cref="TimeoutException">No such line in time.</exception>
    /// <exception cref="InvalidOperationException">The process ended first.</exception>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cancel.Token))
            {
                while (_lines.Reader.TryRead(out string? line))
                {
                    if (line.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return line[prefix.Length..];
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"{_name}: no '{prefix.Trim()}' line within {timeout.TotalSeconds:0} s. {StderrTail()}");
        }

        await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        throw new InvalidOperationException($"{_name} exited (code {_process.ExitCode}) before printing '{prefix.Trim()}'. {StderrTail()}");
    }

    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes stdin (the servers' signal to stop) and waits up to <paramref name="grace"/> for the exit.</summary>
    public async Task<bool> CloseAndWaitAsync(TimeSpan grace)
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child already exited and its pipe is gone; the wait below returns at once.
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(grace);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public string StderrTail()
    {
        lock (_stderrTail)
        {
            return _stderrTail.Count == 0 ? string.Empty : "stderr: " + string.Join(" | ", _stderrTail);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill: nothing left to stop.
        }

        _process.Dispose();
    }
}
