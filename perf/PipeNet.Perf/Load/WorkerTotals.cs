namespace PipeNet.Perf.Load;

/// <summary>What one worker (a connection or a connect loop) counted inside the measurement window.</summary>
internal sealed class WorkerTotals
{
    public LatencyHistogram Latency { get; } = new();

    public long Messages { get; set; }

    public long Bytes { get; set; }

    public long Connections { get; set; }

    public long Errors { get; set; }

    public string? FirstError { get; set; }

    public void Fail(Exception exception)
    {
        Errors++;
        FirstError ??= $"{exception.GetType().Name}: {exception.Message}";
    }
}
