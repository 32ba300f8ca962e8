using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PipeNet.Perf.Load;
using PipeNet.Perf.Reporting;
using PipeNet.Perf.Server;

namespace PipeNet.Perf.Orchestration;

/// <summary>
/// <c>run [--quick]</c>: every scenario against every server, interleaved (pipenet, kestrel, socket,
/// pipenet, …) so a neighbour's build slowing the machine hits all three alike; then the table and the
/// report folder.
/// </summary>
internal static class RunCommand
{
    // The load generator runs its socket continuations inline on the epoll thread: no thread-pool hop
    // per completion, so it takes less of the CPU the servers compete for. The servers run as shipped.
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static async Task<int> RunAsync(CommandLine options)
    {
        RunSettings settings = RunSettings.From(options);
        int total = settings.Scenarios.Count * settings.Repetitions * settings.Servers.Count;
        Console.WriteLine($"PipeNet.Perf: {settings.Scenarios.Count} scenarios × {settings.Servers.Count} servers × {settings.Repetitions} reps = {total} runs" +
            $" ({(settings.Quick ? "quick" : "full")}: {settings.WarmupSeconds:0.#} s warm-up + {settings.MeasureSeconds:0.#} s measured each; idle holds {settings.IdleConnections:N0} connections)");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage():0.00}; report → {settings.OutputDirectory}");

        var stopwatch = Stopwatch.StartNew();
        var runs = new List<RunRecord>();
        int index = 0;
        foreach (Scenario scenario in settings.Scenarios)
        {
            for (int rep = 1; rep <= settings.Repetitions; rep++)
            {
                foreach (string server in settings.Servers)
                {
                    index++;
                    var runTime = Stopwatch.StartNew();
                    RunRecord run = await RunOnceAsync(settings, scenario, server, rep);
                    runs.Add(run);
                    Console.WriteLine($"[{index,3}/{total}] {ProgressLine(scenario, run)}  ({runTime.Elapsed.TotalSeconds:0.0} s)");
                }
            }
        }

        IReadOnlyList<SummaryRow> summary = Summarizer.Summarize(settings, runs);
        Console.WriteLine();
        Console.WriteLine(TerminalTable.Render(summary));

        var report = new PerfReport
        {
            StartedAt = DateTimeOffset.Now - stopwatch.Elapsed,
            DurationSeconds = stopwatch.Elapsed.TotalSeconds,
            Machine = MachineInfo.Describe(),
            Profile = settings.Quick ? "quick" : "full",
            Repetitions = settings.Repetitions,
            WarmupSeconds = settings.WarmupSeconds,
            MeasureSeconds = settings.MeasureSeconds,
            IdleConnections = settings.IdleConnections,
            Runs = runs,
            Summary = summary,
        };
        ReportWriter.WriteAll(settings.OutputDirectory, report);
        Console.WriteLine($"report: {settings.OutputDirectory} (results.json, results.csv, summary.md, report.html); took {stopwatch.Elapsed.TotalSeconds:0} s");
        return runs.All(r => r.Succeeded) ? 0 : 1;
    }

    private static async Task<RunRecord> RunOnceAsync(RunSettings settings, Scenario scenario, string server, int rep)
    {
        double loadAverage = LoadAverage();
        bool idle = scenario.Kind == ScenarioKind.Idle;
        double measure = idle ? settings.IdleSettleSeconds : settings.MeasureSeconds;
        string[] serverArgs = scenario.Tls
            ? ["server", "--kind", server, "--max-seconds", "300", "--tls"]
            : ["server", "--kind", server, "--max-seconds", "300"];
        using ChildProcess serverProcess = ChildProcess.Start($"server {server}", serverArgs, new Dictionary<string, string?> { [InlineCompletions] = null });
        try
        {
            string listening = await serverProcess.WaitForLineAsync("listening ", TimeSpan.FromSeconds(30));
            string[] load =
            [
                "load", "--target", listening.Trim(), "--scenario", scenario.Name, "--sync",
                "--seconds", measure.ToString(CultureInfo.InvariantCulture),
                "--warmup", settings.WarmupSeconds.ToString(CultureInfo.InvariantCulture),
                "--connections", (idle ? settings.IdleConnections : scenario.Connections).ToString(CultureInfo.InvariantCulture),
            ];
            using ChildProcess loadProcess = ChildProcess.Start($"load {scenario.Name}", load, new Dictionary<string, string?> { [InlineCompletions] = "1" });
            string statsCommand = idle ? "stats gc" : "stats";

            await loadProcess.WaitForLineAsync("mark start", TimeSpan.FromSeconds(settings.WarmupSeconds + 60));
            ServerStats before = await SnapshotAsync(serverProcess, statsCommand);
            await loadProcess.SendLineAsync("ok");

            await loadProcess.WaitForLineAsync("mark end", TimeSpan.FromSeconds(measure + (idle ? 120 : 60)));
            ServerStats after = await SnapshotAsync(serverProcess, statsCommand);
            await loadProcess.SendLineAsync("ok");

            string resultJson = await loadProcess.WaitForLineAsync("result ", TimeSpan.FromSeconds(30));
            LoadResult result = JsonSerializer.Deserialize(resultJson, PerfJson.Line.LoadResult)
                ?? throw new InvalidOperationException("the load generator printed an empty result");
            await loadProcess.CloseAndWaitAsync(TimeSpan.FromSeconds(10));
            await serverProcess.SendLineAsync("quit");
            await serverProcess.CloseAndWaitAsync(TimeSpan.FromSeconds(3));
            return RunRecord.From(scenario, server, rep, loadAverage, result, before, after);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException or JsonException)
        {
            return RunRecord.Failed(scenario, server, rep, loadAverage, ex.Message);
        }
    }

    private static async Task<ServerStats> SnapshotAsync(ChildProcess server, string command)
    {
        await server.SendLineAsync(command);
        string json = await server.WaitForLineAsync("stats ", TimeSpan.FromSeconds(30));
        return JsonSerializer.Deserialize(json, PerfJson.Line.ServerStats)
            ?? throw new InvalidOperationException("the server printed empty stats");
    }

    private static string ProgressLine(Scenario scenario, RunRecord run)
    {
        string head = $"{scenario.Name,-13} rep {run.Repetition}  {run.Server,-8}";
        if (!run.Succeeded)
        {
            return $"{head} FAILED: {run.Error}";
        }

        string errors = run.Load!.Errors > 0 ? $"  {run.Load.Errors} errors ({run.Load.FirstError})" : string.Empty;
        if (scenario.Kind == ScenarioKind.Idle)
        {
            return $"{head} {run.Throughput,10:N0} B/conn RSS  {run.ManagedBytesPerConnection,8:N0} B/conn managed  {run.Load.Connections:N0} conns opened in {run.Load.Seconds:0.00} s{errors}";
        }

        string figure = scenario.Kind == ScenarioKind.Bulk ? $"{run.Throughput,10:N2}" : $"{run.Throughput,10:N0}";
        return $"{head} {figure} {scenario.Unit,-6}  p99 {run.P99Us,7:N0} µs  server CPU {run.ServerCpuPercent,4:N0}%  load CPU {run.LoadCpuPercent,4:N0}%" +
            $"  {run.ServerCpuUsPerMessage,6:N2} µs/msg  {run.AllocatedBytesPerMessage,7:N1} B/msg  GCs {run.Gen0}/{run.Gen1}/{run.Gen2}  JIT {run.JitPercentOfServerCpu:0}% of srv CPU  exceptions/msg {run.ExceptionsPerMessage:0.###}{errors}";
    }

    private static double LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
