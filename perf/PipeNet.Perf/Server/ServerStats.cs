using System.Diagnostics;
using System.Globalization;

namespace PipeNet.Perf.Server;

/// <summary>One snapshot of an echo server process, printed as a JSON line on <c>stats</c>.</summary>
internal sealed record ServerStats
{
    public required string Kind { get; init; }

    /// <summary>Milliseconds since the server started, on the monotonic clock: deltas give the wall time between snapshots.</summary>
    public double ElapsedMs { get; init; }

    /// <summary>User plus system CPU time of the whole process.</summary>
    public double CpuMs { get; init; }

    public long AllocatedBytes { get; init; }

    public int Gen0 { get; init; }

    public int Gen1 { get; init; }

    public int Gen2 { get; init; }

    /// <summary>VmRSS from /proc/self/status.</summary>
    public long RssBytes { get; init; }

    /// <summary>Managed heap in use (after a full collection when the snapshot asked for one).</summary>
    public long ManagedBytes { get; init; }

    public long Connections { get; init; }

    public long Accepted { get; init; }

    public long BytesEchoed { get; init; }

    public long Reads { get; init; }

    /// <summary>Time the JIT spent compiling, all threads (<see cref="System.Runtime.JitInfo"/>): PipeNet is JIT-compiled from IL while Kestrel's transport ships ReadyToRun, so short runs must show how much of the server's CPU went to tiering up.</summary>
    public double JitMs { get; init; }

    public long JitMethods { get; init; }

    /// <summary>First-chance exceptions since the server started.</summary>
    public long Exceptions { get; init; }

    public static ServerStats Capture(string kind, EchoCounters counters, long startTimestamp, bool collect)
    {
        if (collect)
        {
            // For the idle scenario: count what the connections hold, not garbage waiting for a GC, nor
            // free heap the GC keeps committed for later (Aggressive decommits it).
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        using Process self = Process.GetCurrentProcess();
        return new ServerStats
        {
            Kind = kind,
            ElapsedMs = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds,
            CpuMs = self.TotalProcessorTime.TotalMilliseconds,
            AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true),
            Gen0 = GC.CollectionCount(0),
            Gen1 = GC.CollectionCount(1),
            Gen2 = GC.CollectionCount(2),
            RssBytes = ReadRssBytes(),
            ManagedBytes = GC.GetTotalMemory(forceFullCollection: false),
            Connections = counters.Active,
            Accepted = counters.Accepted,
            BytesEchoed = counters.BytesEchoed,
            Reads = counters.Reads,
            Exceptions = counters.Exceptions,
            JitMs = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
            JitMethods = System.Runtime.JitInfo.GetCompiledMethodCount(),
        };
    }

    private static long ReadRssBytes()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                // "VmRSS:     123456 kB"
                string kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }
}
