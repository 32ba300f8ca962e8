using System.Runtime.CompilerServices;

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
/// </remarks>
/// <typeparam name="TSelf">The concrete emitter, returned by the chaining methods.</typeparam>
public abstract class EventEmitter<TSelf> where TSelf : EventEmitter<TSelf>
{
    private static readonly Type[] s_customShapes = [typeof(Action), typeof(Action<object?>)];

    private readonly Lock _lock = new();
    // A handful of events per emitter: a short array searched in order costs less memory per socket than a
    // dictionary, and lookups happen only when handlers are registered, never when events are raised.
    private EventSlot[] _slots = [];

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
        lock (_lock)
        {
            if (FindSlot(eventName) is { } slot)
            {
                EventSlot.Registration[] handlers = slot.Handlers;
                for (int i = handlers.Length - 1; i >= 0; i--)
                {
                    if (handlers[i].Handler.Equals(handler))
                    {
                        RemoveAt(slot, i);
                        break;
                    }
                }
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
        lock (_lock)
        {
            foreach (EventSlot slot in _slots)
            {
                if (eventName is null || slot.Name == eventName)
                {
                    Volatile.Write(ref slot.Handlers, EventSlot.NoHandlers);
                }
            }
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
        lock (_lock)
        {
            return FindSlot(eventName)?.Count ?? 0;
        }
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
        EventSlot? slot;
        lock (_lock)
        {
            slot = FindSlot(eventName);
        }

        if (slot is not null)
        {
            foreach (EventSlot.Registration registration in Snapshot(slot))
            {
                if (!TryTake(slot, registration))
                {
                    continue;
                }

                InvokeUntyped(registration.Handler, argument);
            }
        }

        return (TSelf)this;
    }

    /// <summary>
    /// Declares a built-in event and the delegate shapes its handlers may have; call it from the
    /// constructor. The first shape is the one the typed helpers (<c>OnData</c>, …) register.
    /// </summary>
    /// <param name="eventName">The event's name.</param>
    /// <param name="signature">The accepted shapes for error messages, for example <c>Action&lt;Exception&gt;</c>.</param>
    /// <param name="shapes">The accepted delegate types; pass a static array so each emitter does not allocate one.</param>
    /// <returns>The event's slot, to raise it with <see cref="Emit(EventSlot)"/> and friends.</returns>
    protected EventSlot DefineEvent(string eventName, string signature, params Type[] shapes)
    {
        lock (_lock)
        {
            var slot = new EventSlot(eventName, shapes, signature);
            _slots = [.. _slots, slot];
            return slot;
        }
    }

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
        foreach (EventSlot.Registration registration in Snapshot(slot))
        {
            if (registration.Handler.Equals(handler))
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
        foreach (EventSlot.Registration registration in Snapshot(slot))
        {
            if (!TryTake(slot, registration))
            {
                continue;
            }

            any = true;
            switch (registration.Handler)
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
                    InvokeUntyped(registration.Handler, null);
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
        foreach (EventSlot.Registration registration in Snapshot(slot))
        {
            if (!TryTake(slot, registration))
            {
                continue;
            }

            any = true;
            Invoke(registration.Handler, argument);
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
        foreach (EventSlot.Registration registration in Snapshot(slot))
        {
            if (!TryTake(slot, registration))
            {
                continue;
            }

            any = true;
            switch (registration.Handler)
            {
                case Action<T1, T2> both:
                    both(first, second);
                    break;
                default:
                    Invoke(registration.Handler, first);
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
        EventSlot.Registration[] handlers = Snapshot(slot);
        for (int i = 0; i < handlers.Length; i++)
        {
            EventSlot.Registration registration = handlers[i];
            if (!TryTake(slot, registration))
            {
                continue;
            }

            if (registration.Handler is Func<T, ValueTask> asyncHandler)
            {
                ValueTask pending = asyncHandler(argument);
                if (!pending.IsCompletedSuccessfully)
                {
                    return AwaitRestAsync(pending, handlers, i + 1, slot, argument);
                }

                continue;
            }

            Invoke(registration.Handler, argument);
        }

        return default;
    }

    private async ValueTask AwaitRestAsync<T>(ValueTask pending, EventSlot.Registration[] handlers, int next, EventSlot slot, T argument)
    {
        await pending.ConfigureAwait(false);
        for (int i = next; i < handlers.Length; i++)
        {
            EventSlot.Registration registration = handlers[i];
            if (!TryTake(slot, registration))
            {
                continue;
            }

            if (registration.Handler is Func<T, ValueTask> asyncHandler)
            {
                await asyncHandler(argument).ConfigureAwait(false);
            }
            else
            {
                Invoke(registration.Handler, argument);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static EventSlot.Registration[] Snapshot(EventSlot slot) => Volatile.Read(ref slot.Handlers);

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
        lock (_lock)
        {
            EventSlot? slot = FindSlot(eventName);
            if (slot is null)
            {
                slot = new EventSlot(eventName, s_customShapes, "Action or Action<object?>");
                _slots = [.. _slots, slot];
            }

            if (!Accepts(slot, handler))
            {
                throw new ArgumentException(
                    $"The '{eventName}' event takes a handler of type {slot.Signature}, not {Describe(handler.GetType())}.", nameof(handler));
            }

            EventSlot.Registration[] current = slot.Handlers;
            var updated = new EventSlot.Registration[current.Length + 1];
            current.CopyTo(updated, 0);
            updated[^1] = new EventSlot.Registration(handler, once);
            Volatile.Write(ref slot.Handlers, updated);
        }

        OnHandlersChanged(eventName);
        return (TSelf)this;
    }

    /// <summary>The slot named <paramref name="eventName"/>, or <c>null</c>. Called under the lock.</summary>
    private EventSlot? FindSlot(string eventName)
    {
        foreach (EventSlot slot in _slots)
        {
            if (string.Equals(slot.Name, eventName, StringComparison.Ordinal))
            {
                return slot;
            }
        }

        return null;
    }

    private static bool Accepts(EventSlot slot, Delegate handler)
    {
        // Action<TSelf> hands the emitter to the handler; Func<TSelf> lets an argument-less handler be a
        // chained call such as "() => socket.End()".
        Type type = handler.GetType();
        return type == typeof(Action<TSelf>) || Array.IndexOf(slot.Shapes, type) >= 0
            || (type == typeof(Func<TSelf>) && Array.IndexOf(slot.Shapes, typeof(Action)) >= 0);
    }

    /// <summary>Whether <paramref name="registration"/> may run now: always, unless it is a once-handler another emit already took.</summary>
    private bool TryTake(EventSlot slot, EventSlot.Registration registration) => !registration.Once || TryRemove(slot, registration);

    private bool TryRemove(EventSlot slot, EventSlot.Registration registration)
    {
        lock (_lock)
        {
            int index = Array.IndexOf(slot.Handlers, registration);
            if (index < 0)
            {
                return false; // Another emit already ran this once-handler.
            }

            RemoveAt(slot, index);
            return true;
        }
    }

    private static void RemoveAt(EventSlot slot, int index)
    {
        EventSlot.Registration[] current = slot.Handlers;
        if (current.Length == 1)
        {
            Volatile.Write(ref slot.Handlers, EventSlot.NoHandlers);
            return;
        }

        var updated = new EventSlot.Registration[current.Length - 1];
        Array.Copy(current, 0, updated, 0, index);
        Array.Copy(current, index + 1, updated, index, current.Length - index - 1);
        Volatile.Write(ref slot.Handlers, updated);
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
