namespace PipeNet.Internal;

/// <summary>
/// An emitter's handlers, kept as small as an idle socket allows: one immutable <c>object[]</c> of pairs, the
/// event's key (its <see cref="EventSlot"/>, or the name of a custom event) then its handlers, only for events that
/// have any. The handlers are one entry, or an <c>object[]</c> of two or more; an entry is the handler itself or an
/// <see cref="EventSlot.Once"/> around it.
/// </summary>
/// <remarks>
/// Every change builds a new table and swaps it in with a compare-exchange, so emitters need no lock: an emit reads
/// the table once and works on that snapshot. A server socket with <c>data</c> and <c>close</c> handlers holds one
/// four-element array, where one object per event it could raise used to cost half a kilobyte.
/// </remarks>
internal static class EventTable
{
    /// <summary>The handlers of the built-in event <paramref name="slot"/> in <paramref name="table"/>, or <c>null</c>.</summary>
    public static object? Find(object[]? table, EventSlot slot)
    {
        if (table is not null)
        {
            for (int i = 0; i < table.Length; i += 2)
            {
                if (ReferenceEquals(table[i], slot))
                {
                    return table[i + 1];
                }
            }
        }

        return null;
    }

    /// <summary>The handlers of <paramref name="key"/> (a slot, or a custom event's name), or <c>null</c>.</summary>
    public static object? Find(object[]? table, object key)
    {
        int index = IndexOf(table, key);
        return index < 0 ? null : table![index + 1];
    }

    /// <summary><paramref name="table"/> with <paramref name="key"/>'s handlers replaced by <paramref name="handlers"/> (removed when <c>null</c>).</summary>
    public static object[]? With(object[]? table, object key, object? handlers)
    {
        int index = IndexOf(table, key);
        if (index >= 0)
        {
            if (handlers is null)
            {
                if (table!.Length == 2)
                {
                    return null;
                }

                var shorter = new object[table.Length - 2];
                Array.Copy(table, 0, shorter, 0, index);
                Array.Copy(table, index + 2, shorter, index, table.Length - index - 2);
                return shorter;
            }

            object[] copy = (object[])table!.Clone();
            copy[index + 1] = handlers;
            return copy;
        }

        if (handlers is null)
        {
            return table;
        }

        int length = table?.Length ?? 0;
        var longer = new object[length + 2];
        table?.CopyTo(longer, 0);
        longer[length] = key;
        longer[length + 1] = handlers;
        return longer;
    }

    /// <summary>How many handlers <paramref name="handlers"/> holds.</summary>
    public static int Count(object? handlers) => handlers switch
    {
        null => 0,
        object[] many => many.Length,
        _ => 1,
    };

    /// <summary>The entry at <paramref name="index"/> (a delegate or an <see cref="EventSlot.Once"/>).</summary>
    public static object At(object handlers, int index) => handlers is object[] many ? many[index] : handlers;

    /// <summary>The handler an entry stands for.</summary>
    public static Delegate HandlerOf(object entry) => entry is EventSlot.Once once ? once.Handler : (Delegate)entry;

    /// <summary><paramref name="handlers"/> with <paramref name="entry"/> added last.</summary>
    public static object Append(object? handlers, object entry)
    {
        switch (handlers)
        {
            case null:
                return entry;
            case object[] many:
                var longer = new object[many.Length + 1];
                many.CopyTo(longer, 0);
                longer[^1] = entry;
                return longer;
            default:
                return new[] { handlers, entry };
        }
    }

    /// <summary><paramref name="handlers"/> without the entry at <paramref name="index"/>; <c>null</c> when none is left.</summary>
    public static object? RemoveAt(object handlers, int index)
    {
        if (handlers is not object[] many)
        {
            return null;
        }

        if (many.Length == 2)
        {
            return many[1 - index];
        }

        var shorter = new object[many.Length - 1];
        Array.Copy(many, 0, shorter, 0, index);
        Array.Copy(many, index + 1, shorter, index, many.Length - index - 1);
        return shorter;
    }

    /// <summary>Where <paramref name="entry"/> itself (not an equal delegate) is in <paramref name="handlers"/>, or -1.</summary>
    public static int IndexOfEntry(object? handlers, object entry)
    {
        int count = Count(handlers);
        for (int i = 0; i < count; i++)
        {
            if (ReferenceEquals(At(handlers!, i), entry))
            {
                return i;
            }
        }

        return -1;
    }

    private static int IndexOf(object[]? table, object key)
    {
        if (table is null)
        {
            return -1;
        }

        string? name = key as string;
        for (int i = 0; i < table.Length; i += 2)
        {
            if (ReferenceEquals(table[i], key) || (name is not null && table[i] is string other && string.Equals(other, name, StringComparison.Ordinal)))
            {
                return i;
            }
        }

        return -1;
    }
}
