using System.Globalization;
using System.Net;
using System.Text;

namespace PipeNet.Perf.Reporting;

/// <summary><c>report.html</c>: one self-contained page, charts as inline SVG, no external assets.</summary>
internal static class HtmlReport
{
    private static readonly Dictionary<string, string> s_colors = new()
    {
        ["pipenet"] = "#2b7bb9",
        ["kestrel"] = "#9a9a9a",
        ["socket"] = "#e08a2c",
        ["facade"] = "#5aa05a",
    };

    public static string Render(PerfReport report)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>PipeNet perf</title><style>");
        html.AppendLine("body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px}td.n{text-align:right}th{background:#f3f3f3}.missed{color:#b00;font-weight:bold}.met{color:#070}.note{color:#555;font-size:13px}");
        html.AppendLine("</style></head><body>");
        html.AppendLine(CultureInfo.InvariantCulture, $"<h1>PipeNet perf — {Encode(report.Profile)} run</h1>");
        html.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"note\">{report.StartedAt:yyyy-MM-dd HH:mm} · {report.Machine.Cores} cores ({Encode(report.Machine.Cpu)}) · {Encode(report.Machine.Runtime)} · {report.Repetitions} interleaved reps, {report.WarmupSeconds:0.#} s warm-up + {report.MeasureSeconds:0.#} s measured · idle: {report.IdleConnections:N0} connections · load average at the end {Encode(report.Machine.LoadAverage)}. Server and load generator share the machine's cores (and with other work): compare the servers with each other.</p>");

        html.AppendLine("<h2>Throughput against Kestrel (median; whiskers: per-repetition range; dashed red: target)</h2>");
        var ratioGroups = report.Summary.Where(r => r.HigherIsBetter).GroupBy(r => r.Scenario)
            .Select(g => new ChartGroup(g.Key, [.. g.Select(r => new ChartBar(r.Server, r.VersusKestrel, r.VersusKestrelMin, r.VersusKestrelMax, Color(r.Server)))], g.First().Target))
            .ToList();
        html.AppendLine(SvgBarChart.Render(ratioGroups, reference: 1.0, v => Figures.Ratio(v)));

        var idle = report.Summary.Where(r => !r.HigherIsBetter).GroupBy(r => r.Scenario)
            .Select(g => new ChartGroup(g.Key, [.. g.Select(r => new ChartBar(r.Server, r.Throughput, r.ThroughputMin, r.ThroughputMax, Color(r.Server)))], g.First().Target))
            .ToList();
        if (idle.Count > 0)
        {
            html.AppendLine("<h2>Server memory per idle connection (RSS bytes, lower is better; dashed red: the 2 KB ceiling)</h2>");
            html.AppendLine(SvgBarChart.Render(idle, reference: null, v => Figures.Fixed(v, "N0") + " B"));
        }

        html.AppendLine("<h2>Summary</h2><table><tr>");
        foreach (string header in SummaryTable.Header)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{Encode(header)}</th>");
        }

        html.AppendLine("</tr>");
        foreach (SummaryRow row in report.Summary)
        {
            html.Append("<tr>");
            IReadOnlyList<string> cells = SummaryTable.Cells(row);
            for (int i = 0; i < cells.Count; i++)
            {
                string css = i == SummaryTable.TargetColumn ? (cells[i].EndsWith("MISSED", StringComparison.Ordinal) ? " class=\"missed\"" : " class=\"met\"") : SummaryTable.IsTextColumn(i) ? "" : " class=\"n\"";
                html.Append(CultureInfo.InvariantCulture, $"<td{css}>{Encode(cells[i])}</td>");
            }

            html.AppendLine("</tr>");
        }

        html.AppendLine("</table>");
        html.AppendLine("<p class=\"note\">CPU % is of one core (2 cores = 200 %). srv µs/msg and alloc B/msg: server CPU time and allocations per echoed message (idle: per connection). Raw runs: results.json, results.csv.</p>");
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static string Color(string server) => s_colors.TryGetValue(server, out string? color) ? color : "#6a6";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
