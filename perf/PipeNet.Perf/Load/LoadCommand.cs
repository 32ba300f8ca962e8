using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace PipeNet.Perf.Load;

/// <summary>
/// <c>load --target HOST:PORT --scenario NAME --seconds N</c>: warm up, measure for N seconds, print one
/// JSON result line. Marks the window with <c>mark start</c>/<c>mark end</c> lines (see <see cref="SyncPoint"/>).
/// Exits on its own after a hard deadline whatever happens.
/// </summary>
internal static class LoadCommand
{
    /// <summary>How many times the idle scenario's warm-up opens, serves and closes a tenth of its connections.</summary>
    private const int IdleWarmupRounds = 3;

    public static async Task<int> RunAsync(CommandLine options)
    {
        IPEndPoint target = IPEndPoint.Parse(options.Require("target"));
        if (!IPAddress.IsLoopback(target.Address))
        {
            throw new ArgumentException("the load generator only targets loopback addresses");
        }

        Scenario scenario = Scenario.Find(options.Require("scenario"));
        double seconds = options.GetDouble("seconds", 5);
        double warmup = options.GetDouble("warmup", 1);
        int connections = options.GetInt("connections", scenario.Connections);
        var sync = new SyncPoint(options.Has("sync"));

        // The deadline: an orchestrator that died must not leave a generator hammering the machine.
        using var deadline = new Timer(static _ => Environment.Exit(3), null, TimeSpan.FromSeconds(warmup + seconds + 120), Timeout.InfiniteTimeSpan);

        LoadResult result = scenario.Kind == ScenarioKind.Idle
            ? await RunIdleAsync(target, scenario, connections, seconds, sync)
            : await RunTimedAsync(target, scenario, connections, warmup, seconds, sync);
        Console.Out.WriteLine("result " + JsonSerializer.Serialize(result, PerfJson.Line.LoadResult));
        Console.Out.Flush();
        return result.Errors == 0 ? 0 : 1;
    }

    private static async Task<LoadResult> RunTimedAsync(IPEndPoint target, Scenario scenario, int connections, double warmup, double seconds, SyncPoint sync)
    {
        var window = new RunWindow();
        var sockets = new List<Socket>();
        var streams = new List<Stream>();
        var workers = new List<(WorkerTotals Totals, Task Run)>();
        try
        {
            if (scenario.Kind == ScenarioKind.Connect)
            {
                for (int i = 0; i < connections; i++)
                {
                    var worker = new ConnectWorker(target, i, connections, scenario, window);
                    workers.Add((worker.Totals, worker.RunAsync()));
                }
            }
            else
            {
                for (int i = 0; i < connections; i++)
                {
                    sockets.Add(await LoopbackClient.ConnectAsync(target, -1, CancellationToken.None));
                }

                foreach (Socket socket in sockets)
                {
                    if (scenario.Tls)
                    {
                        Stream tls = await TlsClient.AuthenticateAsync(socket);
                        streams.Add(tls);
                        var worker = new EchoWorker(socket, scenario, window, tls);
                        workers.Add((worker.Totals, worker.RunAsync()));
                    }
                    else if (scenario.Kind == ScenarioKind.Bulk)
                    {
                        var worker = new BulkWorker(socket, scenario, window);
                        workers.Add((worker.Totals, worker.RunAsync()));
                    }
                    else
                    {
                        var worker = new EchoWorker(socket, scenario, window);
                        workers.Add((worker.Totals, worker.RunAsync()));
                    }
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(warmup));
            await sync.MarkAsync("start");
            TimeSpan cpuStart = ProcessCpu.Now();
            long start = Stopwatch.GetTimestamp();
            window.BeginMeasuring();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            window.EndMeasuring();
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            TimeSpan cpu = ProcessCpu.Now() - cpuStart;

            // The load keeps running (uncounted) while the orchestrator takes its closing snapshot.
            await sync.MarkAsync("end");
            window.Stop();
            await StopAsync(workers.Select(w => w.Run), sockets, atOnce: scenario.Kind == ScenarioKind.Bulk);
            return Summarize(target, scenario, elapsed, cpu, workers.Select(w => w.Totals));
        }
        finally
        {
            window.Stop();
            foreach (Stream stream in streams)
            {
                await stream.DisposeAsync();
            }

            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static async Task StopAsync(IEnumerable<Task> runs, List<Socket> sockets, bool atOnce)
    {
        Task all = Task.WhenAll(runs);

        // Echo workers finish their round trip and leave; after a moment the sockets are closed under whatever is
        // left. Bulk writers are blocked on a full window at this point, so theirs are closed at once (the
        // figures were taken when the window closed; waiting only lengthened every bulk run by half a second).
        if (atOnce || await Task.WhenAny(all, Task.Delay(TimeSpan.FromMilliseconds(500))) != all)
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }

            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(5)));
        }
    }

    private static async Task<LoadResult> RunIdleAsync(IPEndPoint target, Scenario scenario, int connections, double settleSeconds, SyncPoint sync)
    {
        // Warm-up, as every other scenario has: a tenth of the connections are opened, served and closed before
        // the first snapshot, so the server's one-time costs (JIT, thread-pool threads, pool blocks it keeps)
        // are not divided among the held connections as if each one cost them. Three rounds with a pause after
        // each: tiered compilation promotes a hot method only after a quiet spell and a number of calls, twice
        // (tier 0, then instrumented, then optimized), so a single round left that compiling, and the native
        // memory it takes, to the measured window (~100 B per held connection at 10,000).
        for (int round = 0; round < IdleWarmupRounds; round++)
        {
            using (var warmup = new IdleHolder(target, Math.Max(1, connections / 10), scenario))
            {
                using var warmupTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await warmup.OpenAllAsync(warmupTimeout.Token);
            }

            await Task.Delay(TimeSpan.FromSeconds(settleSeconds));
        }

        await sync.MarkAsync("start");
        TimeSpan cpuStart = ProcessCpu.Now();
        long start = Stopwatch.GetTimestamp();
        using var holder = new IdleHolder(target, connections, scenario);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await holder.OpenAllAsync(timeout.Token);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        TimeSpan cpu = ProcessCpu.Now() - cpuStart;

        // Let the server's last completions and timers settle before the closing snapshot.
        await Task.Delay(TimeSpan.FromSeconds(settleSeconds));
        await sync.MarkAsync("end");
        return Summarize(target, scenario, elapsed, cpu, [holder.Totals]);
    }

    private static LoadResult Summarize(IPEndPoint target, Scenario scenario, TimeSpan elapsed, TimeSpan cpu, IEnumerable<WorkerTotals> workers)
    {
        var latency = new LatencyHistogram();
        long messages = 0, bytes = 0, connections = 0, errors = 0;
        string? firstError = null;
        foreach (WorkerTotals totals in workers)
        {
            latency.Add(totals.Latency);
            messages += totals.Messages;
            bytes += totals.Bytes;
            connections += totals.Connections;
            errors += totals.Errors;
            firstError ??= totals.FirstError;
        }

        if (scenario.Kind == ScenarioKind.Bulk)
        {
            messages = bytes / scenario.MessageSize;
        }

        return new LoadResult
        {
            Scenario = scenario.Name,
            Target = target.ToString(),
            Seconds = elapsed.TotalSeconds,
            Messages = messages,
            Bytes = bytes,
            Connections = connections,
            Errors = errors,
            FirstError = firstError,
            P50Us = latency.PercentileMicroseconds(50),
            P99Us = latency.PercentileMicroseconds(99),
            P999Us = latency.PercentileMicroseconds(99.9),
            CpuMs = cpu.TotalMilliseconds,
        };
    }
}
