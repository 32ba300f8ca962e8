namespace PipeNet.Perf.Load;

/// <summary>One named workload of the load generator.</summary>
/// <param name="Name">The name on the command line and in reports.</param>
/// <param name="Kind">What the connections do.</param>
/// <param name="Connections">Concurrent connections (for <see cref="ScenarioKind.Connect"/>: concurrent loops; for idle: connections held).</param>
/// <param name="MessageSize">Bytes per message (bulk: per write).</param>
/// <param name="Depth">Messages in flight per connection.</param>
/// <param name="Tls">Whether the connections speak TLS (the servers then serve a self-signed certificate).</param>
internal sealed record Scenario(string Name, ScenarioKind Kind, int Connections, int MessageSize, int Depth, bool Tls = false)
{
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("echo-64B-d1", ScenarioKind.Echo, 32, 64, 1),
        new("echo-64B-d16", ScenarioKind.Echo, 32, 64, 16),
        new("echo-4KiB-d4", ScenarioKind.Echo, 32, 4096, 4),
        new("bulk", ScenarioKind.Bulk, 4, 64 * 1024, 1),
        new("connect", ScenarioKind.Connect, 16, 64, 1),
        new("idle", ScenarioKind.Idle, 10_000, 64, 1),
        new("tls-echo", ScenarioKind.Echo, 32, 4096, 4, Tls: true),
        new("tls-handshake", ScenarioKind.Connect, 16, 64, 1, Tls: true),
    ];

    /// <summary>Bigger is better for every scenario but idle, whose figure is bytes per connection.</summary>
    public bool HigherIsBetter => Kind != ScenarioKind.Idle;

    /// <summary>The headline unit in reports.</summary>
    public string Unit => Kind switch
    {
        ScenarioKind.Echo => "msg/s",
        ScenarioKind.Bulk => "Gbit/s",
        ScenarioKind.Connect => "conn/s",
        _ => "B/conn",
    };

    /// <summary>The target ratio against Kestrel from the project's goals (idle: an absolute ceiling).</summary>
    public double Target => Kind switch
    {
        ScenarioKind.Bulk => 2.0,
        ScenarioKind.Idle => 2000,
        _ => 1.3,
    };

    public static Scenario Find(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"unknown scenario '{name}'");
}
