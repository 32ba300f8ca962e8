using System.Globalization;
using System.Text;

namespace PipeNet.Perf.Reporting;

/// <summary><c>summary.md</c>: the table, the machine, and the caveats that go with the numbers.</summary>
internal static class MarkdownReport
{
    public static string Render(PerfReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# PipeNet perf — {report.Profile} run, {report.StartedAt:yyyy-MM-dd HH:mm}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{report.Machine.Cores} cores ({report.Machine.Cpu}), {report.Machine.Os}, {report.Machine.Runtime}; load average at the end: {report.Machine.LoadAverage}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"{report.Repetitions} repetitions per scenario × server, interleaved; {report.WarmupSeconds:0.#} s warm-up + {report.MeasureSeconds:0.#} s measured; idle holds {report.IdleConnections:N0} connections. Took {report.DurationSeconds:0} s.");
        text.AppendLine();
        text.AppendLine("| " + string.Join(" | ", SummaryTable.Header) + " |");
        text.AppendLine("|" + string.Join("|", SummaryTable.Header.Select((_, i) => SummaryTable.IsTextColumn(i) ? "---" : "---:")) + "|");
        foreach (SummaryRow row in report.Summary)
        {
            text.AppendLine("| " + string.Join(" | ", SummaryTable.Cells(row)) + " |");
        }

        text.AppendLine();
        text.AppendLine("""
            - CPU % is of one core; the machine's 2 cores make 200 %. The server and the load generator share
              those 2 cores (and with other work on the machine), so every figure here is a load-generator-bound,
              shared-machine figure: compare servers with each other, not with published numbers.
            - "vs Kestrel" is the median over the Kestrel median (idle: Kestrel's bytes per connection over this
              one's); the range is of per-repetition ratios, each run against the Kestrel run next to it.
            - srv µs/msg and alloc B/msg are server CPU time and server allocation per echoed message (idle: per
              connection), over the server's snapshot window.
            - idle: VmRSS growth of the server per held connection, both snapshots after a forced, aggressive (decommitting) full GC; its
              p99 is of connect + first echo. Managed heap growth per connection is listed below.
            """);
        foreach (SummaryRow row in report.Summary.Where(r => !r.HigherIsBetter && r.Runs > 0))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- idle, {row.Server}: {row.ManagedBytesPerConnection:N0} B managed heap per connection.");
        }

        return text.ToString();
    }
}
