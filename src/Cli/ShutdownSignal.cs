using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace PipeNet.Cli;

/// <summary>
/// Turns SIGINT and SIGTERM into a graceful stop: the first one completes <see cref="Requested"/>, a
/// second one cancels <see cref="Forced"/> so an operator who presses Ctrl+C twice does not wait out
/// the grace period.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly ILogger _logger;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private readonly TaskCompletionSource<string> _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _forced = new();
    private int _signalCount;

    public ShutdownSignal(ILogger logger)
    {
        _logger = logger;
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Completes with the signal's name (<c>SIGINT</c>, <c>SIGTERM</c>) when the first one arrives.</summary>
    public Task<string> Requested => _requested.Task;

    /// <summary>Cancelled when a second signal arrives.</summary>
    public CancellationToken Forced => _forced.Token;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _forced.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Without this the runtime would end the process at once (SIGTERM) or after the handlers (SIGINT),
        // before open connections were given their grace period.
        context.Cancel = true;
        string name = context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM";
        if (Interlocked.Increment(ref _signalCount) == 1)
        {
            _requested.TrySetResult(name);
            return;
        }

        CliLog.Aborting(_logger, name);

        // Cancellation callbacks abort connections; run them off the signal-handling thread.
        _ = _forced.CancelAsync();
    }
}
