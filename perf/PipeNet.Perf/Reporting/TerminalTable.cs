using System.Text;

namespace PipeNet.Perf.Reporting;

/// <summary>The summary as a fixed-width table for the terminal.</summary>
internal static class TerminalTable
{
    public static string Render(IReadOnlyList<SummaryRow> rows)
    {
        List<IReadOnlyList<string>> lines = [SummaryTable.Header, .. rows.Select(SummaryTable.Cells)];
        int[] widths = [.. Enumerable.Range(0, SummaryTable.Header.Count).Select(c => lines.Max(l => l[c].Length))];
        var text = new StringBuilder();
        string? lastScenario = null;
        for (int i = 0; i < lines.Count; i++)
        {
            if (i == 1 || (i > 1 && lines[i][0] != lastScenario))
            {
                text.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
            }

            lastScenario = lines[i][0];
            text.AppendLine(string.Join(" | ", lines[i].Select((cell, c) => SummaryTable.IsTextColumn(c) ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        }

        if (rows.Where(r => !r.HigherIsBetter && r.Runs > 0).ToList() is { Count: > 0 } idle)
        {
            text.AppendLine("idle, managed heap per held connection (median, after a full GC): " +
                string.Join(", ", idle.Select(r => $"{r.Server} {Figures.Fixed(r.ManagedBytesPerConnection, "0")} B")) +
                "; the B/conn column is VmRSS growth (after an aggressive GC), which also counts native memory and heap pages the GC could not return.");
        }

        text.AppendLine("CPU % is of one core (2 cores = 200 %). vs Kestrel: median ÷ Kestrel's median (idle: Kestrel's B/conn ÷ this one's), above 1 is better.");
        return text.ToString();
    }
}
