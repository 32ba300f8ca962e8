using System.Runtime.CompilerServices;
using PipeNet.Internal;

namespace PipeNet;

/// <summary>
/// Named events in the style of rampart and Node's <c>EventEmitter</c>: <see cref="On"/>, <see cref="Once"/>,
/// <see cref="Off"/> and <see cref="Trigger"/>, each returning the emitter for chaining.
/// </summary>
/// <remarks>
/// Handlers run in registration order. <see cref="Off"/> removes exactly the handler given (the most
/// recently registered instance, as Node). A <see cref="Once"/> handler is removed before it runs.
/// Known events check a handler's delegate shape when it is registered, so a wrong shape fails at
/// <c>On</c> with an <see cref="ArgumentException"/> naming the event and the shapes it accepts.
/// Events of any other name (custom events, raised with <see cref="Trigger"/>) take <see cref="Action"/>
/// or <see cref="Action{T}"/> of <see cref="object"/>. Raising an event allocates nothing.
/// A type's built-in events are defined once, by <see cref="DefineEvent(string, string, Type[])"/> in static fields,
/// and shared by all its emitters; an emitter holds only the handlers it was given, so one with no handlers costs four
/// null fields.
/// </remarks>
/// <typeparam name="TSelf">The concrete emitter, returned by the chaining methods.</typeparam>
public abstract class EventEmitter<TSelf> where TSelf : EventEmitter<TSelf>
{
    private static readonly Type[] s_customShapes = [typeof(Action), typeof(Action<object?>)];
    private static readonly Lock s_definitionsLock = new();

    // The built-in events of TSelf, defined once by its static fields (DefineEvent) and shared by every instance.
    private static EventSlot[] s_definitions = [];
    private static volatile bool s_definitionsComplete;

    // How many of TSelf's events keep their handlers in the emitter's own fields (DefineEvent with inline: true).
    private static int s_inlineCount;

    // The handlers of the (at most three) inline events, each a delegate, an EventSlot.Once or an array of them: the
    // events nearly every emitter of the type listens to (a socket's data, error and close) cost no table entry.
    private object? _inline0;
    private object? _inline1;
    private object? _inline2;

    // The other events somebody listens to, in an immutable table swapped whole (EventTable): an emitter with no
    // handlers costs null references only, and registering, removing and raising need no lock.
    private object[]? _handlers;

    /// <summary>Registers <paramref name="handler"/> for <paramref name="eventName"/>.</summary>
    /// <param name="eventName">The event, for example <c>data</c>.</param>
    /// <param name="handler">The handler; its delegate type must be one the event accepts.</param>
    /// <returns>This emitter.</returns>
    /// <exception cref="ArgumentException">An empty name, or a delegate shape the event does not accept.</exception>
    /// <exception cref="ArgumentNullException">A <c>null</c> argument.</exception>
    public TSelf On(string eventName, Delegate handler) => Add(eventName, handler, once: false);

    /// <summary>Registers <paramref name="handler"/> to run at most once: it is removed before it runs.</summary>
    /// <inheritdoc cref="On" path="/param"/>
    /// <returns>This emitter.</returns>
    /// <exception cref="ArgumentException">An empty name, or a delegate shape the event does not accept.</exception>
    /// <exception cref="ArgumentNullException">A <c>null</c> argument.</exception>
    public TSelf Once(string eventName, Delegate handler) => Add(eventName, handler, once: true);

    /// <summary>Removes the most recently registered instance of <paramref name="handler"/> from <paramref name="eventName"/>.</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="handler">The handler, the same delegate instance given to <c>On</c> or <c>Once</c>.</param>
    /// <returns>This emitter.</returns>
    /// <exception cref="ArgumentNullException">A <c>null</c> argument.</exception>
    public TSelf Off(string eventName, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        object key = KeyOf(eventName);
        while (true)
        {
            object? handlers = HandlersOf(key);
            int index = EventTable.Count(handlers) - 1;
            while (index >= 0 && !EventTable.HandlerOf(EventTable.At(handlers!, index)).Equals(handler))
            {
                index--;
            }

            if (index < 0 || TryReplace(key, handlers, EventTable.RemoveAt(handlers!, index)))
            {
                break;
            }
        }

        OnHandlersChanged(eventName);
        return (TSelf)this;
    }

    /// <summary>Removes every handler of <paramref name="eventName"/>, or of every event when it is <c>null</c>.</summary>
    /// <param name="eventName">The event, or <c>null</c> for all.</param>
    /// <returns>This emitter.</returns>
    public TSelf RemoveAllListeners(string? eventName = null)
    {
        if (eventName is null)
        {
            Volatile.Write(ref _inline0, null);
            Volatile.Write(ref _inline1, null);
            Volatile.Write(ref _inline2, null);
            Volatile.Write(ref _handlers, null);
        }
        else
        {
            object key = KeyOf(eventName);
            object? handlers;
            do
            {
                handlers = HandlersOf(key);
            }
            while (handlers is not null && !TryReplace(key, handlers, null));
        }

        OnHandlersChanged(eventName);
        return (TSelf)this;
    }

    /// <summary>How many handlers <paramref name="eventName"/> has.</summary>
    /// <param name="eventName">The event.</param>
    /// <returns>The count.</returns>
    public int ListenerCount(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        return EventTable.Count(HandlersOf(KeyOf(eventName)));
    }

    /// <summary>
    /// Runs the handlers of <paramref name="eventName"/> with <paramref name="argument"/> (rampart's
    /// <c>trigger</c>): custom events and built-in ones alike. A handler taking a typed argument is
    /// called when <paramref name="argument"/> has that type.
    /// </summary>
    /// <param name="eventName">The event.</param>
    /// <param name="argument">The argument handed to handlers that take one.</param>
    /// <returns>This emitter.</returns>
    /// <exception cref="ArgumentException">An empty name.</exception>
    public TSelf Trigger(string eventName, object? argument = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        object key = KeyOf(eventName);
        object? handlers = HandlersOf(key);
        int count = EventTable.Count(handlers);
        for (int i = 0; i < count; i++)
        {
            if (TryTake(key, EventTable.At(handlers!, i), out Delegate? handler))
            {
                InvokeUntyped(handler, argument);
            }
        }

        return (TSelf)this;
    }

    /// <summary>
    /// Declares a built-in event of <typeparamref name="TSelf"/> and the delegate shapes its handlers may have.
    /// Call it once per event, from a static field initializer: the slot is shared by every emitter of the type.
    /// The first shape is the one the typed helpers (<c>OnData</c>, …) register.
    /// </summary>
    /// <param name="eventName">The event's name.</param>
    /// <param name="signature">The accepted shapes for error messages, for example <c>Action&lt;Exception&gt;</c>.</param>
    /// <param name="shapes">The accepted delegate types.</param>
    /// <returns>The event's slot, to raise it with <see cref="Emit(EventSlot)"/> and friends.</returns>
    /// <exception cref="ArgumentException">An empty name.</exception>
    /// <exception cref="InvalidOperationException">The type already defines an event of that name (for example, <c>DefineEvent</c> was called from a constructor).</exception>
    protected static EventSlot DefineEvent(string eventName, string signature, params Type[] shapes) =>
        DefineEvent(eventName, signature, inline: false, shapes);

    /// <summary>
    /// Declares a built-in event, as <see cref="DefineEvent(string, string, Type[])"/>; with <paramref name="inline"/>,
    /// its handlers live in fields of the emitter rather than in its table of events. For the events nearly every
    /// instance listens to (a socket's <c>data</c>, <c>error</c> and <c>close</c>): an emitter listening only to
    /// inline events allocates no table. At most three events of a type are inline.
    /// </summary>
    /// <param name="eventName">The event's name.</param>
    /// <param name="signature">The accepted shapes for error messages, for example <c>Action&lt;Exception&gt;</c>.</param>
    /// <param name="inline">Whether the handlers live in the emitter's own fields.</param>
    /// <param name="shapes">The accepted delegate types.</param>
    /// <returns>The event's slot, to raise it with <see cref="Emit(EventSlot)"/> and friends.</returns>
    /// <exception cref="ArgumentException">An empty name.</exception>
    /// <exception cref="InvalidOperationException">The type already defines an event of that name, or three inline events.</exception>
    protected static EventSlot DefineEvent(string eventName, string signature, bool inline, params Type[] shapes)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(shapes);
        lock (s_definitionsLock)
        {
            if (FindDefinition(s_definitions, eventName) is not null)
            {
                throw new InvalidOperationException(
                    $"{typeof(TSelf).Name} already defines the '{eventName}' event: define each event once per type, in a static field.");
            }

            if (inline && s_inlineCount == 3)
            {
                throw new InvalidOperationException(
                    $"{typeof(TSelf).Name} already has three inline events; define '{eventName}' without inline.");
            }

            var slot = new EventSlot(eventName, shapes, signature, inline ? s_inlineCount++ : -1);
            Volatile.Write(ref s_definitions, [.. s_definitions, slot]);
            return slot;
        }
    }

    /// <summary>How many handlers <paramref name="slot"/> has; allocates nothing, so the raising code may ask before each emit.</summary>
    /// <param name="slot">The event.</param>
    /// <returns>The count.</returns>
    protected int ListenerCount(EventSlot slot) => EventTable.Count(Snapshot(slot));

    /// <summary>
    /// Whether <paramref name="handler"/> (or an equal delegate: the same method on the same target) is registered for
    /// <paramref name="slot"/>. Lets an emitter follow rampart's rule that one named function runs once per event.
    /// </summary>
    /// <param name="slot">The event.</param>
    /// <param name="handler">The handler.</param>
    /// <returns><c>true</c> when it is registered.</returns>
    protected bool IsRegistered(EventSlot slot, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(handler);
        object? handlers = Snapshot(slot);
        int count = EventTable.Count(handlers);
        for (int i = 0; i < count; i++)
        {
            if (EventTable.HandlerOf(EventTable.At(handlers!, i)).Equals(handler))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Called after handlers of <paramref name="eventName"/> (or of every event, when <c>null</c>) were added or removed.</summary>
    /// <param name="eventName">The event, or <c>null</c>.</param>
    protected virtual void OnHandlersChanged(string? eventName)
    {
    }

    /// <summary>Raises an event whose handlers take no argument (or the emitter itself).</summary>
    /// <param name="slot">The event.</param>
    /// <returns><c>true</c> when at least one handler ran.</returns>
    protected bool Emit(EventSlot slot)
    {
        bool any = false;
        object? handlers = Snapshot(slot);
        int count = EventTable.Count(handlers);
        for (int i = 0; i < count; i++)
        {
            if (!TryTake(slot, EventTable.At(handlers!, i), out Delegate? handler))
            {
                continue;
            }

            any = true;
            switch (handler)
            {
                case Action action:
                    action();
                    break;
                case Action<TSelf> withSelf:
                    withSelf((TSelf)this);
                    break;
                case Func<TSelf> chained:
                    chained();
                    break;
                default:
                    InvokeUntyped(handler, null);
                    break;
            }
        }

        return any;
    }

    /// <summary>Raises an event with one argument. Handlers of shape <see cref="Action"/> get no argument.</summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="slot">The event.</param>
    /// <param name="argument">The argument.</param>
    /// <returns><c>true</c> when at least one handler ran.</returns>
    protected bool Emit<T>(EventSlot slot, T argument)
    {
        bool any = false;
        object? handlers = Snapshot(slot);
        int count = EventTable.Count(handlers);
        for (int i = 0; i < count; i++)
        {
            if (!TryTake(slot, EventTable.At(handlers!, i), out Delegate? handler))
            {
                continue;
            }

            any = true;
            Invoke(handler, argument);
        }

        return any;
    }

    /// <summary>Raises an event with two arguments.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <param name="slot">The event.</param>
    /// <param name="first">The first argument.</param>
    /// <param name="second">The second argument.</param>
    /// <returns><c>true</c> when at least one handler ran.</returns>
    protected bool Emit<T1, T2>(EventSlot slot, T1 first, T2 second)
    {
        bool any = false;
        object? handlers = Snapshot(slot);
        int count = EventTable.Count(handlers);
        for (int i = 0; i < count; i++)
        {
            if (!TryTake(slot, EventTable.At(handlers!, i), out Delegate? handler))
            {
                continue;
            }

            any = true;
            switch (handler)
            {
                case Action<T1, T2> both:
                    both(first, second);
                    break;
                default:
                    Invoke(handler, first);
                    break;
            }
        }

        return any;
    }

    /// <summary>
    /// Raises an event whose handlers may be asynchronous (<see cref="Func{T, ValueTask}"/>): each such
    /// handler is awaited before the next runs. Completes synchronously, allocating nothing, when every
    /// handler does.
    /// </summary>
    /// <typeparam name="T">The argument's type.</typeparam>
    /// <param name="slot">The event.</param>
    /// <param name="argument">The argument; it must stay valid until the returned task completes.</param>
    /// <returns>A task that completes when every handler has.</returns>
    protected ValueTask EmitAsync<T>(EventSlot slot, T argument)
    {
        object? handlers = Snapshot(slot);
        int count = EventTable.Count(handlers);
        for (int i = 0; i < count; i++)
        {
            if (!TryTake(slot, EventTable.At(handlers!, i), out Delegate? handler))
            {
                continue;
            }

            if (handler is Func<T, ValueTask> asyncHandler)
            {
                ValueTask pending = asyncHandler(argument);
                if (!pending.IsCompletedSuccessfully)
                {
                    return AwaitRestAsync(pending, handlers!, i + 1, slot, argument);
                }

                continue;
            }

            Invoke(handler, argument);
        }

        return default;
    }

    private async ValueTask AwaitRestAsync<T>(ValueTask pending, object handlers, int next, EventSlot slot, T argument)
    {
        await pending.ConfigureAwait(false);
        int count = EventTable.Count(handlers);
        for (int i = next; i < count; i++)
        {
            if (!TryTake(slot, EventTable.At(handlers, i), out Delegate? handler))
            {
                continue;
            }

            if (handler is Func<T, ValueTask> asyncHandler)
            {
                await asyncHandler(argument).ConfigureAwait(false);
            }
            else
            {
                Invoke(handler, argument);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private object? Snapshot(EventSlot slot) =>
        slot.InlineIndex < 0 ? EventTable.Find(Volatile.Read(ref _handlers), slot) : Volatile.Read(ref InlineField(slot.InlineIndex));

    /// <summary>The handlers of <paramref name="key"/> (a slot, or a custom event's name), or <c>null</c>.</summary>
    private object? HandlersOf(object key) =>
        key is EventSlot slot ? Snapshot(slot) : EventTable.Find(Volatile.Read(ref _handlers), key);

    /// <summary>
    /// Replaces <paramref name="key"/>'s handlers with <paramref name="replacement"/> (none when <c>null</c>) if they are
    /// still <paramref name="expected"/>; <c>false</c> when another thread changed them first (the caller retries).
    /// </summary>
    private bool TryReplace(object key, object? expected, object? replacement)
    {
        if (key is EventSlot { InlineIndex: >= 0 } slot)
        {
            return ReferenceEquals(Interlocked.CompareExchange(ref InlineField(slot.InlineIndex), replacement, expected), expected);
        }

        object[]? table = Volatile.Read(ref _handlers);
        return ReferenceEquals(EventTable.Find(table, key), expected)
            && ReferenceEquals(Interlocked.CompareExchange(ref _handlers, EventTable.With(table, key, replacement), table), table);
    }

    private ref object? InlineField(int index)
    {
        switch (index)
        {
            case 0:
                return ref _inline0;
            case 1:
                return ref _inline1;
            default:
                return ref _inline2;
        }
    }

    private void Invoke<T>(Delegate handler, T argument)
    {
        switch (handler)
        {
            case Action<T> typed:
                typed(argument);
                break;
            case Action none:
                none();
                break;
            case Action<TSelf> withSelf:
                withSelf((TSelf)this);
                break;
            case Func<TSelf> chained:
                chained();
                break;
            case Func<T, ValueTask> asyncHandler:
                // Raised through a synchronous path: the handler runs, its completion is not awaited.
                _ = asyncHandler(argument).AsTask();
                break;
            default:
                InvokeUntyped(handler, argument);
                break;
        }
    }

    private void InvokeUntyped(Delegate handler, object? argument)
    {
        switch (handler)
        {
            case Action none:
                none();
                return;
            case Action<object?> boxed:
                boxed(argument);
                return;
            case Action<TSelf> withSelf:
                withSelf((TSelf)this);
                return;
            case Func<TSelf> chained:
                chained();
                return;
        }

        System.Reflection.ParameterInfo[] parameters = handler.Method.GetParameters();
        if (parameters.Length == 1 && (argument is null ? !parameters[0].ParameterType.IsValueType : parameters[0].ParameterType.IsInstanceOfType(argument)))
        {
            handler.DynamicInvoke(argument);
        }
        else if (parameters.Length == 0)
        {
            handler.DynamicInvoke();
        }
    }

    private TSelf Add(string eventName, Delegate handler, bool once)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        EventSlot? slot = FindDefinition(eventName);
        if (!Accepts(slot?.Shapes ?? s_customShapes, handler))
        {
            throw new ArgumentException(
                $"The '{eventName}' event takes a handler of type {slot?.Signature ?? "Action or Action<object?>"}, not {Describe(handler.GetType())}.", nameof(handler));
        }

        object key = (object?)slot ?? eventName;
        object entry = once ? new EventSlot.Once(handler) : handler;
        object? handlers;
        do
        {
            handlers = HandlersOf(key);
        }
        while (!TryReplace(key, handlers, EventTable.Append(handlers, entry)));

        OnHandlersChanged(eventName);
        return (TSelf)this;
    }

    /// <summary>The table key of <paramref name="eventName"/>: the type's slot for a built-in event, the name for a custom one.</summary>
    private static object KeyOf(string eventName) => (object?)FindDefinition(eventName) ?? eventName;

    private static EventSlot? FindDefinition(string eventName)
    {
        if (!s_definitionsComplete)
        {
            // Events are defined by TSelf's static fields, which the runtime may initialize lazily (even after
            // instances exist): run them before the first lookup by name, or "data" would look like a custom event.
            RuntimeHelpers.RunClassConstructor(typeof(TSelf).TypeHandle);
            s_definitionsComplete = true;
        }

        return FindDefinition(Volatile.Read(ref s_definitions), eventName);
    }

    private static EventSlot? FindDefinition(EventSlot[] definitions, string eventName)
    {
        foreach (EventSlot slot in definitions)
        {
            if (string.Equals(slot.Name, eventName, StringComparison.Ordinal))
            {
                return slot;
            }
        }

        return null;
    }

    private static bool Accepts(Type[] shapes, Delegate handler)
    {
        // Action<TSelf> hands the emitter to the handler; Func<TSelf> lets an argument-less handler be a
        // chained call such as "() => socket.End()".
        Type type = handler.GetType();
        return type == typeof(Action<TSelf>) || Array.IndexOf(shapes, type) >= 0
            || (type == typeof(Func<TSelf>) && Array.IndexOf(shapes, typeof(Action)) >= 0);
    }

    /// <summary>
    /// Whether <paramref name="entry"/> may run now, and its handler: always for an ordinary handler; a once-handler
    /// only by the emit that removes it (another emit, or a re-entrant one, may already have).
    /// </summary>
    private bool TryTake(object key, object entry, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Delegate? handler)
    {
        if (entry is not EventSlot.Once once)
        {
            handler = (Delegate)entry;
            return true;
        }

        handler = once.Handler;
        while (true)
        {
            object? handlers = HandlersOf(key);
            int index = EventTable.IndexOfEntry(handlers, once);
            if (index < 0)
            {
                return false;
            }

            if (TryReplace(key, handlers, EventTable.RemoveAt(handlers!, index)))
            {
                return true;
            }
        }
    }

    private static string Describe(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        string name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Describe))}>";
    }
}
