namespace PipeNet;

/// <summary>
/// One built-in event of an <see cref="EventEmitter{TSelf}"/> type: its name and the delegate shapes it accepts.
/// Defined once per type (a static field) and shared by every emitter of that type; the handlers live in each
/// emitter, so an emitter costs nothing per event it could raise, only per event somebody listens to.
/// </summary>
public sealed class EventSlot
{
    internal EventSlot(string name, Type[] shapes, string signature, int inlineIndex)
    {
        Name = name;
        Shapes = shapes;
        Signature = signature;
        InlineIndex = inlineIndex;
    }

    /// <summary>The event's name, as passed to <c>On</c>.</summary>
    public string Name { get; }

    /// <summary>A readable list of the handler shapes the event accepts, used in error messages.</summary>
    public string Signature { get; }

    internal Type[] Shapes { get; }

    /// <summary>Which of the emitter's inline handler fields holds this event's handlers, or -1: its table.</summary>
    internal int InlineIndex { get; }

    /// <summary>A handler registered with <c>Once</c>: its own object, so exactly one emit can take (remove) it.</summary>
    internal sealed class Once(Delegate handler)
    {
        public Delegate Handler { get; } = handler;
    }
}
