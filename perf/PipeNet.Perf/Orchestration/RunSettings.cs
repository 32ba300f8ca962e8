using PipeNet.Perf.Load;

namespace PipeNet.Perf.Orchestration;

/// <summary>What the orchestrator runs: the quick profile (CI, the cake Bench target) or the full one.</summary>
internal sealed record RunSettings
{
    /// <summary>Every server kind, in the order a repetition runs them: pipe-level, event facade, the reference, plain Socket.</summary>
    public static readonly IReadOnlyList<string> AllServers = ["pipenet", "facade", "kestrel", "socket"];

    public required bool Quick { get; init; }

    public required int Repetitions { get; init; }

    public required double WarmupSeconds { get; init; }

    public required double MeasureSeconds { get; init; }

    public required int IdleConnections { get; init; }

    public required double IdleSettleSeconds { get; init; }

    public required IReadOnlyList<Scenario> Scenarios { get; init; }

    public required IReadOnlyList<string> Servers { get; init; }

    public required string OutputDirectory { get; init; }

    public static RunSettings From(CommandLine options)
    {
        bool quick = options.Has("quick");
        // The quick profile leaves the TLS scenarios to the full run (or --scenarios) to stay under two minutes.
        // It also leaves out the plain-Socket baseline (or --servers): every target is a ratio among the other three.
        IReadOnlyList<Scenario> scenarios = options.Get("scenarios") is { } names
            ? [.. names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Scenario.Find)]
            : quick ? [.. Scenario.All.Where(s => !s.Tls)] : Scenario.All;
        IReadOnlyList<string> servers = options.Get("servers") is { } kinds
            ? [.. kinds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : quick ? [.. AllServers.Where(s => s != "socket")] : AllServers;
        if (servers.FirstOrDefault(s => !AllServers.Contains(s)) is { } unknown)
        {
            throw new ArgumentException($"unknown server kind '{unknown}'");
        }

        string output = options.Get("out") ?? Path.Combine(RepositoryRoot(), "artifacts", "perf", DateTime.Now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        return new RunSettings
        {
            Quick = quick,
            Repetitions = options.GetInt("reps", 3),
            WarmupSeconds = options.GetDouble("warmup", quick ? 0.3 : 3.0),
            MeasureSeconds = options.GetDouble("seconds", quick ? 0.6 : 5.0),
            IdleConnections = options.GetInt("idle-connections", 10_000),
            IdleSettleSeconds = quick ? 0.2 : 1.0,
            Scenarios = scenarios,
            Servers = servers,
            OutputDirectory = Path.GetFullPath(output),
        };
    }

    /// <summary>The checkout holding PipeNet.slnx above the running assembly, or the current directory.</summary>
    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PipeNet.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
