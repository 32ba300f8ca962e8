using System.Diagnostics;
using System.Text;

namespace PipeNet.Tests;

/// <summary>A real peer in a child process (openssl, node): stdout and stderr collected as lines, killed on dispose.</summary>
internal sealed class ChildPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _lineArrived = new(0);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildPeer(Process process) => _process = process;

    public static ChildPeer Start(string fileName, params string[] args)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var peer = new ChildPeer(process);
        process.OutputDataReceived += (_, e) => peer.Add(e.Data, "");
        process.ErrorDataReceived += (_, e) => peer.Add(e.Data, "stderr: ");
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

    public string Output => string.Join("\n", Lines);

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

            if (_exited.Task.IsCompleted)
            {
                await _process.WaitForExitAsync().WithTimeout();
                lock (_lines)
                {
                    string? line = _lines.FirstOrDefault(match);
                    return line ?? throw new InvalidOperationException($"The peer exited without the expected line. Output:\n{string.Join("\n", _lines)}");
                }
            }

            await Task.WhenAny(_lineArrived.WaitAsync(), _exited.Task).WithTimeout();
        }
    }

    public async Task<int> WaitForExitAsync()
    {
        await _exited.Task.WithTimeout();
        await _process.WaitForExitAsync().WithTimeout();
        return _process.ExitCode;
    }

    public async Task WriteAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text).WithTimeout();
        await _process.StandardInput.FlushAsync().WithTimeout();
    }

    public void CloseInput() => _process.StandardInput.Close();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Add(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(prefix + line);
        }

        _lineArrived.Release();
    }
}
