using System.Text.Json;

namespace PipeNet.Perf.Reporting;

/// <summary>Writes the report folder: results.json, results.csv, summary.md, report.html.</summary>
internal static class ReportWriter
{
    public static void WriteAll(string directory, PerfReport report)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(report, PerfJson.Indented.PerfReport));
        File.WriteAllText(Path.Combine(directory, "results.csv"), CsvReport.Render(report.Runs));
        File.WriteAllText(Path.Combine(directory, "summary.md"), MarkdownReport.Render(report));
        File.WriteAllText(Path.Combine(directory, "report.html"), HtmlReport.Render(report));
    }
}
