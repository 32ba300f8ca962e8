namespace PipeNet;

/// <summary>
/// Where a plug-in goes in its <see cref="PluginChain{TTarget}"/>: after the plug-ins it names in <see cref="After"/>,
/// before those in <see cref="Before"/>, and otherwise by <see cref="Order"/> (lower first), then in the order plug-ins
/// were added.
/// </summary>
public sealed class PluginOrder
{
    /// <summary>The numeric position among plug-ins the named constraints leave free; lower runs earlier.</summary>
    /// <remarks>Defaults to 0.</remarks>
    public int Order { get; init; }

    /// <summary>Ids of plug-ins this one must run before. Ids not in the chain are ignored.</summary>
    /// <remarks>Defaults to none.</remarks>
    public IReadOnlyList<string> Before { get; init; } = [];

    /// <summary>Ids of plug-ins this one must run after. Ids not in the chain are ignored.</summary>
    /// <remarks>Defaults to none.</remarks>
    public IReadOnlyList<string> After { get; init; } = [];
}
