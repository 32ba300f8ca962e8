using PipeNet.Perf.Orchestration;

namespace PipeNet.Perf.Reporting;

/// <summary>Everything one orchestrated run produced: <c>results.json</c> is this, indented.</summary>
internal sealed record PerfReport
{
    public DateTimeOffset StartedAt { get; init; }

    public double DurationSeconds { get; init; }

    public required MachineInfo Machine { get; init; }

    public required string Profile { get; init; }

    public int Repetitions { get; init; }

    public double WarmupSeconds { get; init; }

    public double MeasureSeconds { get; init; }

    public int IdleConnections { get; init; }

    public required IReadOnlyList<RunRecord> Runs { get; init; }

    public required IReadOnlyList<SummaryRow> Summary { get; init; }
}
