using PipeNet.Perf.Load;
using PipeNet.Perf.Server;

namespace PipeNet.Perf.Orchestration;

/// <summary>One run: one server process, one load process, one scenario, and what both reported.</summary>
internal sealed record RunRecord
{
    public required string Scenario { get; init; }

    public required string Server { get; init; }

    public required int Repetition { get; init; }

    /// <summary>The 1-minute load average when the run started: how busy the shared machine was.</summary>
    public double LoadAverage { get; init; }

    public string? Error { get; init; }

    public LoadResult? Load { get; init; }

    public ServerStats? ServerBefore { get; init; }

    public ServerStats? ServerAfter { get; init; }

    /// <summary>The headline figure in the scenario's unit (msg/s, Gbit/s, conn/s, or bytes per idle connection).</summary>
    public double Throughput { get; init; }

    /// <summary>Server CPU over its snapshot window, in % of one core (the machine has 2: 200 % is all of it).</summary>
    public double ServerCpuPercent { get; init; }

    /// <summary>Load generator CPU over its window, in % of one core.</summary>
    public double LoadCpuPercent { get; init; }

    /// <summary>Server CPU per message in microseconds (idle: per connection).</summary>
    public double ServerCpuUsPerMessage { get; init; }

    /// <summary>Server bytes allocated per message (idle: per connection).</summary>
    public double AllocatedBytesPerMessage { get; init; }

    /// <summary>Share of the server's CPU in its window that went to the JIT (tiering up), in %.</summary>
    public double JitPercentOfServerCpu { get; init; }

    /// <summary>First-chance exceptions in the server per message (idle and connect: per connection).</summary>
    public double ExceptionsPerMessage { get; init; }

    public int Gen0 { get; init; }

    public int Gen1 { get; init; }

    public int Gen2 { get; init; }

    /// <summary>Server RSS growth per connection (idle), otherwise the RSS growth over the window.</summary>
    public double RssDeltaBytes { get; init; }

    /// <summary>Managed heap growth per connection (idle only).</summary>
    public double ManagedBytesPerConnection { get; init; }

    public double P50Us => Load?.P50Us ?? 0;

    public double P99Us => Load?.P99Us ?? 0;

    public bool Succeeded => Error is null && Load is not null && ServerBefore is not null && ServerAfter is not null;

    public static RunRecord Failed(Scenario scenario, string server, int repetition, double loadAverage, string error) =>
        new() { Scenario = scenario.Name, Server = server, Repetition = repetition, LoadAverage = loadAverage, Error = error };

    public static RunRecord From(Scenario scenario, string server, int repetition, double loadAverage, LoadResult load, ServerStats before, ServerStats after)
    {
        double windowMs = Math.Max(after.ElapsedMs - before.ElapsedMs, 1);
        double cpuMs = after.CpuMs - before.CpuMs;
        long allocated = after.AllocatedBytes - before.AllocatedBytes;
        bool idle = scenario.Kind == ScenarioKind.Idle;

        // Units the server did in its window: messages at the rate the load generator measured
        // (the two windows differ by the milliseconds of the snapshot handshake), or idle connections.
        double units = idle ? Math.Max(load.Connections, 1) : Math.Max(load.MessagesPerSecond * windowMs / 1000, 1);
        double throughput = scenario.Kind switch
        {
            ScenarioKind.Echo => load.MessagesPerSecond,
            ScenarioKind.Bulk => load.Gbps,
            ScenarioKind.Connect => load.ConnectionsPerSecond,
            _ => (after.RssBytes - before.RssBytes) / units,
        };

        return new RunRecord
        {
            Scenario = scenario.Name,
            Server = server,
            Repetition = repetition,
            LoadAverage = loadAverage,
            Load = load,
            ServerBefore = before,
            ServerAfter = after,
            Throughput = throughput,
            ServerCpuPercent = cpuMs / windowMs * 100,
            LoadCpuPercent = load.CpuPercent,
            ServerCpuUsPerMessage = cpuMs * 1000 / units,
            AllocatedBytesPerMessage = allocated / units,
            JitPercentOfServerCpu = cpuMs > 0 ? (after.JitMs - before.JitMs) / cpuMs * 100 : 0,
            ExceptionsPerMessage = (after.Exceptions - before.Exceptions) / units,
            Gen0 = after.Gen0 - before.Gen0,
            Gen1 = after.Gen1 - before.Gen1,
            Gen2 = after.Gen2 - before.Gen2,
            RssDeltaBytes = idle ? (after.RssBytes - before.RssBytes) / units : after.RssBytes - before.RssBytes,
            ManagedBytesPerConnection = idle ? (after.ManagedBytes - before.ManagedBytes) / units : 0,
        };
    }
}
