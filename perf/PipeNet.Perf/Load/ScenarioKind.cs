namespace PipeNet.Perf.Load;

/// <summary>What a scenario's connections do.</summary>
internal enum ScenarioKind
{
    /// <summary>Fixed-size messages, a fixed number in flight per connection.</summary>
    Echo,

    /// <summary>Large writes streamed while the echo is read concurrently.</summary>
    Bulk,

    /// <summary>Connect, one small echo, close; again and again.</summary>
    Connect,

    /// <summary>Many connections, each served once, then held open.</summary>
    Idle,
}
