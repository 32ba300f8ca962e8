using System.Diagnostics;

namespace PipeNet.Tests;

/// <summary>Runs a Node.js script as the real peer of a test, its stdout collected as lines.</summary>
internal sealed class NodePeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _lineArrived = new(0);

    private NodePeer(Process process)
    {
        _process = process;
    }

    public static NodePeer Start(string script, params string[] args)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("-e");
        info.ArgumentList.Add(script);
        info.ArgumentList.Add("--");
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var peer = new NodePeer(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (peer._lines)
                {
                    peer._lines.Add(e.Data);
                }

                peer._lineArrived.Release();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (peer._lines)
                {
                    peer._lines.Add("stderr: " + e.Data);
                }
            }
        };
        process.Exited += (_, _) => peer._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        while (true)
        {
            lock (_lines)
            {
                string? line = _lines.FirstOrDefault(match);
                if (line is not null)
                {
                    return line;
                }
            }

            await _lineArrived.WaitAsync().WithTimeout();
        }
    }

    public async Task<int> WaitForExitAsync()
    {
        await _exited.Task.WithTimeout();
        await _process.WaitForExitAsync().WithTimeout();
        return _process.ExitCode;
    }

    /// <summary>Sends one line to the script's standard input.</summary>
    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line).WithTimeout();
        await _process.StandardInput.FlushAsync().WithTimeout();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
