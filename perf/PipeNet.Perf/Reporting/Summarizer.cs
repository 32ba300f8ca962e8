using PipeNet.Perf.Load;
using PipeNet.Perf.Orchestration;

namespace PipeNet.Perf.Reporting;

/// <summary>Medians, ranges and Kestrel ratios per scenario × server.</summary>
internal static class Summarizer
{
    /// <summary>The event facade's goal: within 5 % of pipe-level PipeNet in the same run.</summary>
    public const double FacadeTarget = 0.95;

    public static IReadOnlyList<SummaryRow> Summarize(RunSettings settings, IReadOnlyList<RunRecord> runs)
    {
        var rows = new List<SummaryRow>();
        foreach (Scenario scenario in settings.Scenarios)
        {
            List<RunRecord> kestrel = Succeeded(runs, scenario, "kestrel");
            double kestrelMedian = kestrel.Count > 0 ? Median(kestrel.Select(r => r.Throughput)) : double.NaN;
            double pipeLevelMedian = Median(Succeeded(runs, scenario, "pipenet").Select(r => r.Throughput));
            foreach (string server in settings.Servers)
            {
                List<RunRecord> ok = Succeeded(runs, scenario, server);
                int failed = runs.Count(r => r.Scenario == scenario.Name && r.Server == server && !r.Succeeded);
                if (ok.Count == 0)
                {
                    rows.Add(new SummaryRow { Scenario = scenario.Name, Server = server, Unit = scenario.Unit, HigherIsBetter = scenario.HigherIsBetter, FailedRuns = failed, Throughput = double.NaN, VersusKestrel = double.NaN, Target = scenario.Target });
                    continue;
                }

                double median = Median(ok.Select(r => r.Throughput));
                double[] paired = [.. ok.Select(r => kestrel.FirstOrDefault(k => k.Repetition == r.Repetition) is { } k ? Ratio(scenario, r.Throughput, k.Throughput) : double.NaN).Where(double.IsFinite)];
                double versus = Ratio(scenario, median, kestrelMedian);
                double versusPipeLevel = Ratio(scenario, median, pipeLevelMedian);
                rows.Add(new SummaryRow
                {
                    Scenario = scenario.Name,
                    Server = server,
                    Unit = scenario.Unit,
                    HigherIsBetter = scenario.HigherIsBetter,
                    Runs = ok.Count,
                    FailedRuns = failed,
                    LoadErrors = ok.Sum(r => r.Load!.Errors),
                    Throughput = median,
                    ThroughputMin = ok.Min(r => r.Throughput),
                    ThroughputMax = ok.Max(r => r.Throughput),
                    P50Us = Median(ok.Select(r => r.P50Us)),
                    P99Us = Median(ok.Select(r => r.P99Us)),
                    ServerCpuPercent = Median(ok.Select(r => r.ServerCpuPercent)),
                    LoadCpuPercent = Median(ok.Select(r => r.LoadCpuPercent)),
                    ServerCpuUsPerMessage = Median(ok.Select(r => r.ServerCpuUsPerMessage)),
                    AllocatedBytesPerMessage = Median(ok.Select(r => r.AllocatedBytesPerMessage)),
                    JitPercent = Median(ok.Select(r => r.JitPercentOfServerCpu)),
                    ManagedBytesPerConnection = Median(ok.Select(r => r.ManagedBytesPerConnection)),
                    VersusKestrel = versus,
                    VersusKestrelMin = paired.Length > 0 ? paired.Min() : double.NaN,
                    VersusKestrelMax = paired.Length > 0 ? paired.Max() : double.NaN,
                    Target = scenario.Target,
                    VersusPipeLevel = versusPipeLevel,
                    MeetsTarget = server switch
                    {
                        "pipenet" => scenario.Kind == ScenarioKind.Idle ? median <= scenario.Target : versus >= scenario.Target,
                        "facade" when double.IsFinite(versusPipeLevel) => versusPipeLevel >= FacadeTarget,
                        _ => null,
                    },
                });
            }
        }

        return rows;
    }

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Where(double.IsFinite).Order()];
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static List<RunRecord> Succeeded(IReadOnlyList<RunRecord> runs, Scenario scenario, string server) =>
        [.. runs.Where(r => r.Scenario == scenario.Name && r.Server == server && r.Succeeded)];

    // Oriented so that above 1 is better: idle compares bytes per connection, where less is better.
    private static double Ratio(Scenario scenario, double value, double kestrel) =>
        scenario.HigherIsBetter ? value / kestrel : kestrel / value;
}
