namespace PipeNet.Perf.Reporting;

/// <summary>The summary as rows of cells: the one layout the terminal, Markdown and HTML tables share.</summary>
internal static class SummaryTable
{
    public static IReadOnlyList<string> Header { get; } =
    [
        "scenario", "server", "median (min–max)", "unit", "p99 µs", "srv CPU %", "load CPU %", "srv µs/msg", "JIT %", "alloc B/msg", "vs Kestrel (per-rep range)", "target",
    ];

    /// <summary>The last column, whether the target is met.</summary>
    public static int TargetColumn => Header.Count - 1;

    /// <summary>Columns of words (left-aligned) rather than figures (right-aligned).</summary>
    public static bool IsTextColumn(int column) => column is 0 or 1 or 3 || column == TargetColumn;

    public static IReadOnlyList<string> Cells(SummaryRow row)
    {
        if (row.Runs == 0)
        {
            return [row.Scenario, row.Server, $"all {row.FailedRuns} runs failed", row.Unit, "", "", "", "", "", "", "", ""];
        }

        string versus = row.Server == "kestrel" ? "1.00×"
            : $"{Figures.Ratio(row.VersusKestrel)} ({Figures.Fixed(row.VersusKestrelMin, "0.00")}–{Figures.Fixed(row.VersusKestrelMax, "0.00")})";
        string target = row.MeetsTarget is not { } met ? ""
            : row.Server == "facade" ? $"{Figures.Ratio(row.VersusPipeLevel)} of pipenet, ≥{Summarizer.FacadeTarget:0.00}× " + (met ? "met" : "MISSED")
            : (row.HigherIsBetter ? $"≥{row.Target:0.0}× " : $"≤{row.Target:0} B ") + (met ? "met" : "MISSED");
        string failures = row.FailedRuns > 0 ? $" [{row.FailedRuns} failed]" : row.LoadErrors > 0 ? $" [{row.LoadErrors} errors]" : "";
        return
        [
            row.Scenario,
            row.Server,
            $"{Figures.Compact(row.Throughput, row.Unit)} ({Figures.Compact(row.ThroughputMin, row.Unit)}–{Figures.Compact(row.ThroughputMax, row.Unit)}){failures}",
            row.Unit,
            row.P99Us > 0 ? Figures.Fixed(row.P99Us, "0") : "–",
            Figures.Fixed(row.ServerCpuPercent, "0"),
            Figures.Fixed(row.LoadCpuPercent, "0"),
            Figures.Fixed(row.ServerCpuUsPerMessage, row.Unit == "B/conn" ? "0" : "0.00"),
            Figures.Fixed(row.JitPercent, "0"),
            Figures.Fixed(row.AllocatedBytesPerMessage, row.Unit == "B/conn" ? "0" : "0.0"),
            versus,
            target,
        ];
    }
}
