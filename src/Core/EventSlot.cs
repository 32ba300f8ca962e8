namespace PipeNet;

/// <summary>
/// One named event of an <see cref="EventEmitter{TSelf}"/>: its handlers in registration order and the
/// delegate shapes it accepts. Emitters resolve their own events to slots once, so raising an event
/// needs no dictionary lookup and allocates nothing.
/// </summary>
public sealed class EventSlot
{
    internal static readonly Registration[] NoHandlers = [];

    internal EventSlot(string name, Type[] shapes, string signature)
    {
        Name = name;
        Shapes = shapes;
        Signature = signature;
    }

    /// <summary>The event's name, as passed to <c>On</c>.</summary>
    public string Name { get; }

    /// <summary>A readable list of the handler shapes the event accepts, used in error messages.</summary>
    public string Signature { get; }

    internal Type[] Shapes { get; }

    // Copy-on-write: emitters iterate a snapshot while handlers are added or removed.
    internal Registration[] Handlers = NoHandlers;

    /// <summary>How many handlers are registered.</summary>
    public int Count => Volatile.Read(ref Handlers).Length;

    internal sealed class Registration(Delegate handler, bool once)
    {
        public Delegate Handler { get; } = handler;

        public bool Once { get; } = once;
    }
}
