namespace PipeNet.Perf.Load;

/// <summary>The load generator's one JSON line: what it measured inside its window.</summary>
internal sealed record LoadResult
{
    public required string Scenario { get; init; }

    public required string Target { get; init; }

    /// <summary>The measurement window in seconds (idle: the time taken to open every connection).</summary>
    public double Seconds { get; init; }

    public long Messages { get; init; }

    public long Bytes { get; init; }

    /// <summary>Connections completed in the window (connect) or opened (idle).</summary>
    public long Connections { get; init; }

    public long Errors { get; init; }

    public string? FirstError { get; init; }

    public double P50Us { get; init; }

    public double P99Us { get; init; }

    public double P999Us { get; init; }

    /// <summary>The load generator's own CPU time inside the window.</summary>
    public double CpuMs { get; init; }

    public double MessagesPerSecond => Seconds > 0 ? Messages / Seconds : 0;

    public double Gbps => Seconds > 0 ? Bytes * 8 / Seconds / 1e9 : 0;

    public double ConnectionsPerSecond => Seconds > 0 ? Connections / Seconds : 0;

    /// <summary>CPU of the load generator as a percentage of one core.</summary>
    public double CpuPercent => Seconds > 0 ? CpuMs / (Seconds * 10) : 0;
}
