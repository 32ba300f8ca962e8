namespace PipeNet.Perf.Reporting;

/// <summary>One scenario × server: medians (and ranges) over its repetitions, and how it compares with Kestrel.</summary>
internal sealed record SummaryRow
{
    public required string Scenario { get; init; }

    public required string Server { get; init; }

    public required string Unit { get; init; }

    public bool HigherIsBetter { get; init; }

    public int Runs { get; init; }

    public int FailedRuns { get; init; }

    public long LoadErrors { get; init; }

    public double Throughput { get; init; }

    public double ThroughputMin { get; init; }

    public double ThroughputMax { get; init; }

    public double P50Us { get; init; }

    public double P99Us { get; init; }

    public double ServerCpuPercent { get; init; }

    public double LoadCpuPercent { get; init; }

    public double ServerCpuUsPerMessage { get; init; }

    public double AllocatedBytesPerMessage { get; init; }

    /// <summary>Share of the server's CPU that went to the JIT inside the window, in %.</summary>
    public double JitPercent { get; init; }

    /// <summary>Idle only: managed heap growth per held connection, after a full GC (RSS also counts heap the GC keeps committed).</summary>
    public double ManagedBytesPerConnection { get; init; }

    /// <summary>
    /// Median against Kestrel's median, oriented so that above 1 is better: throughput ÷ Kestrel's, and
    /// for idle Kestrel's bytes per connection ÷ this one's. NaN without a Kestrel figure.
    /// </summary>
    public double VersusKestrel { get; init; }

    /// <summary>The smallest and largest of the per-repetition ratios (each run against the Kestrel run beside it).</summary>
    public double VersusKestrelMin { get; init; }

    public double VersusKestrelMax { get; init; }

    /// <summary>Median against pipe-level PipeNet's median, oriented as <see cref="VersusKestrel"/>: the facade's overhead.</summary>
    public double VersusPipeLevel { get; init; }

    /// <summary>The goal: a ratio against Kestrel, or for idle a ceiling in bytes per connection.</summary>
    public double Target { get; init; }

    /// <summary>Whether the goal is met; only PipeNet's rows have one (the facade's is against pipe-level PipeNet).</summary>
    public bool? MeetsTarget { get; init; }
}
