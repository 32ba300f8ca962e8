namespace PipeNet;

/// <summary>
/// What a plug-in sees besides its target while a <see cref="PluginChain{TTarget}"/> runs: its own id, the options the
/// chain was run with, values earlier plug-ins left for later ones, and a way to stop the rest of the chain.
/// </summary>
public sealed class PluginContext
{
    private Dictionary<string, object?>? _items;

    internal PluginContext(object? options)
    {
        Options = options;
    }

    /// <summary>The id of the plug-in running now.</summary>
    public string Id { get; internal set; } = string.Empty;

    /// <summary>The options the chain was run with (for a builder's chains, the client or server options), or <c>null</c>.</summary>
    public object? Options { get; }

    /// <summary>Values shared by the plug-ins of one run, by name.</summary>
    public IDictionary<string, object?> Items => _items ??= new(StringComparer.Ordinal);

    /// <summary>Whether a plug-in called <see cref="Stop"/>.</summary>
    public bool IsStopped { get; private set; }

    /// <summary>Skips the plug-ins after this one, for this run only.</summary>
    public void Stop() => IsStopped = true;
}
