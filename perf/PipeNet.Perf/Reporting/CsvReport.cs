using System.Globalization;
using System.Text;
using PipeNet.Perf.Orchestration;

namespace PipeNet.Perf.Reporting;

/// <summary><c>results.csv</c>: one row per run, raw figures, for spreadsheets and plotting.</summary>
internal static class CsvReport
{
    public static string Render(IReadOnlyList<RunRecord> runs)
    {
        var text = new StringBuilder();
        text.AppendLine("scenario,server,rep,ok,throughput,p50_us,p99_us,p999_us,messages,bytes,connections,load_errors,seconds,server_cpu_pct,load_cpu_pct,server_cpu_us_per_msg,alloc_bytes_per_msg,jit_pct_of_server_cpu,exceptions_per_msg,gen0,gen1,gen2,rss_delta_bytes,managed_bytes_per_conn,load_average,error");
        foreach (RunRecord run in runs)
        {
            object?[] cells =
            [
                run.Scenario, run.Server, run.Repetition, run.Succeeded, run.Throughput, run.P50Us, run.P99Us, run.Load?.P999Us,
                run.Load?.Messages, run.Load?.Bytes, run.Load?.Connections, run.Load?.Errors, run.Load?.Seconds,
                run.ServerCpuPercent, run.LoadCpuPercent, run.ServerCpuUsPerMessage, run.AllocatedBytesPerMessage, run.JitPercentOfServerCpu, run.ExceptionsPerMessage,
                run.Gen0, run.Gen1, run.Gen2, run.RssDeltaBytes, run.ManagedBytesPerConnection, run.LoadAverage, run.Error,
            ];
            text.AppendLine(string.Join(',', cells.Select(Cell)));
        }

        return text.ToString();
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        string s when s.IndexOfAny([',', '"', '\n']) >= 0 => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
