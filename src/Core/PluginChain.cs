namespace PipeNet;

/// <summary>
/// An ordered chain of plug-ins run on every new <typeparamref name="TTarget"/> (a client socket, a server, a
/// connection the server accepted), as cio's <c>onClient</c>/<c>onServer</c>/<c>onServerClient</c> chains are. A plug-in
/// is placed by <see cref="PluginOrder"/> (before or after named plug-ins, then a number); an ordering that contains a
/// cycle is refused when the plug-in that closes it is added, with the cycle in the message.
/// </summary>
/// <typeparam name="TTarget">What the plug-ins work on.</typeparam>
/// <remarks>Adding and removing are thread-safe and take effect for the next <see cref="Run"/>; a run in progress keeps the order it started with.</remarks>
public sealed class PluginChain<TTarget>
{
    private static readonly PluginOrder s_noOrder = new();

    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];
    private Entry[] _ordered = [];
    private int _nextAnonymousId;

    /// <summary>The plug-in ids in the order they run.</summary>
    public IReadOnlyList<string> Ids => [.. Volatile.Read(ref _ordered).Select(entry => entry.Id)];

    /// <summary>How many plug-ins the chain holds.</summary>
    public int Count => Volatile.Read(ref _ordered).Length;

    /// <summary>Adds a plug-in with a generated id (<c>plugin-1</c>, <c>plugin-2</c>, ...) at the end of the chain.</summary>
    /// <param name="plugin">The plug-in.</param>
    /// <returns>This chain.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plugin"/> is <c>null</c>.</exception>
    public PluginChain<TTarget> Add(Action<TTarget, PluginContext> plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        lock (_lock)
        {
            string id;
            do
            {
                id = "plugin-" + (++_nextAnonymousId).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            while (_entries.Exists(entry => entry.Id == id));

            return AddLocked(id, plugin, null);
        }
    }

    /// <summary>Adds a named plug-in, placed by <paramref name="order"/> (by default at the end of the chain).</summary>
    /// <param name="id">The plug-in's id, unique in this chain; other plug-ins order themselves against it.</param>
    /// <param name="plugin">The plug-in.</param>
    /// <param name="order">Where it goes; <c>null</c> for order 0 with no constraints.</param>
    /// <returns>This chain.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty, or already in the chain.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="plugin"/> is <c>null</c>.</exception>
    /// <exception cref="InvalidOperationException">The constraints would form a cycle; the chain is left as it was.</exception>
    public PluginChain<TTarget> Add(string id, Action<TTarget, PluginContext> plugin, PluginOrder? order = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(plugin);
        if (order is not null && (order.Before.Contains(id) || order.After.Contains(id)))
        {
            throw new ArgumentException($"Plug-in '{id}' cannot be ordered before or after itself.", nameof(order));
        }

        lock (_lock)
        {
            if (_entries.Exists(entry => entry.Id == id))
            {
                throw new ArgumentException($"A plug-in with id '{id}' is already in the chain.", nameof(id));
            }

            return AddLocked(id, plugin, order);
        }
    }

    /// <summary>Removes the plug-in with <paramref name="id"/>.</summary>
    /// <param name="id">Its id.</param>
    /// <returns>Whether it was in the chain.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is <c>null</c>.</exception>
    public bool Remove(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            if (_entries.RemoveAll(entry => entry.Id == id) == 0)
            {
                return false;
            }

            // Removing a node never creates a cycle.
            Volatile.Write(ref _ordered, Sort(_entries, out _));
            return true;
        }
    }

    /// <summary>Runs the plug-ins in order on <paramref name="target"/> until one calls <see cref="PluginContext.Stop"/>.</summary>
    /// <param name="target">What the plug-ins work on.</param>
    /// <param name="options">Handed to every plug-in as <see cref="PluginContext.Options"/>.</param>
    /// <returns>The context of the run, to see whether it was stopped and what the plug-ins left in it.</returns>
    /// <remarks>An exception a plug-in throws ends the run and reaches the caller.</remarks>
    public PluginContext Run(TTarget target, object? options = null)
    {
        var context = new PluginContext(options);
        foreach (Entry entry in Volatile.Read(ref _ordered))
        {
            context.Id = entry.Id;
            entry.Plugin(target, context);
            if (context.IsStopped)
            {
                break;
            }
        }

        return context;
    }

    private PluginChain<TTarget> AddLocked(string id, Action<TTarget, PluginContext> plugin, PluginOrder? order)
    {
        var entry = new Entry(id, plugin, order ?? s_noOrder, _entries.Count == 0 ? 0 : _entries[^1].Sequence + 1);
        _entries.Add(entry);
        Entry[] ordered = Sort(_entries, out string? cycle);
        if (cycle is not null)
        {
            _entries.RemoveAt(_entries.Count - 1);
            throw new InvalidOperationException($"Adding plug-in '{id}' would make an ordering cycle: {cycle}.");
        }

        Volatile.Write(ref _ordered, ordered);
        return this;
    }

    /// <summary>
    /// Kahn's topological sort; among the plug-ins free to go next, the lowest (Order, Sequence) goes first. When
    /// plug-ins remain that can never go, they hold a cycle, returned as "a → b → a".
    /// </summary>
    private static Entry[] Sort(List<Entry> entries, out string? cycle)
    {
        var index = new Dictionary<string, int>(entries.Count, StringComparer.Ordinal);
        for (int i = 0; i < entries.Count; i++)
        {
            index[entries[i].Id] = i;
        }

        // successors[i]: the plug-ins that must run after plug-in i.
        var successors = new List<int>[entries.Count];
        int[] waitingFor = new int[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            successors[i] = [];
        }

        for (int i = 0; i < entries.Count; i++)
        {
            foreach (string before in entries[i].Order.Before)
            {
                if (index.TryGetValue(before, out int later) && !successors[i].Contains(later))
                {
                    successors[i].Add(later);
                    waitingFor[later]++;
                }
            }

            foreach (string after in entries[i].Order.After)
            {
                if (index.TryGetValue(after, out int earlier) && !successors[earlier].Contains(i))
                {
                    successors[earlier].Add(i);
                    waitingFor[i]++;
                }
            }
        }

        var ready = new PriorityQueue<int, (int Order, long Sequence)>();
        for (int i = 0; i < entries.Count; i++)
        {
            if (waitingFor[i] == 0)
            {
                ready.Enqueue(i, (entries[i].Order.Order, entries[i].Sequence));
            }
        }

        var ordered = new List<Entry>(entries.Count);
        while (ready.TryDequeue(out int next, out _))
        {
            ordered.Add(entries[next]);
            foreach (int later in successors[next])
            {
                if (--waitingFor[later] == 0)
                {
                    ready.Enqueue(later, (entries[later].Order.Order, entries[later].Sequence));
                }
            }
        }

        cycle = ordered.Count == entries.Count ? null : FindCycle(entries, successors, waitingFor);
        return [.. ordered];
    }

    /// <summary>Walks back from a plug-in left unsorted through predecessors left unsorted until one repeats.</summary>
    private static string FindCycle(List<Entry> entries, List<int>[] successors, int[] waitingFor)
    {
        var path = new List<int>();
        var seenAt = new Dictionary<int, int>();
        int current = Array.FindLastIndex(waitingFor, count => count > 0);
        while (!seenAt.ContainsKey(current))
        {
            seenAt[current] = path.Count;
            path.Add(current);

            // A plug-in left unsorted waits for at least one predecessor that was also left unsorted.
            current = FirstWaitingPredecessor(successors, waitingFor, current);
        }

        // The walk went backwards (to predecessors); print the cycle in running order, from the newest plug-in in it.
        List<int> loop = path[seenAt[current]..];
        loop.Reverse();
        int newest = loop.IndexOf(loop.Max());
        loop = [.. loop[newest..], .. loop[..newest]];
        return string.Join(" → ", loop.Append(loop[0]).Select(i => entries[i].Id));
    }

    private static int FirstWaitingPredecessor(List<int>[] successors, int[] waitingFor, int node)
    {
        for (int i = 0; i < successors.Length; i++)
        {
            if (waitingFor[i] > 0 && successors[i].Contains(node))
            {
                return i;
            }
        }

        throw new InvalidOperationException("Unreachable: a plug-in left unsorted has a predecessor left unsorted.");
    }

    private sealed record Entry(string Id, Action<TTarget, PluginContext> Plugin, PluginOrder Order, long Sequence);
}
