using System.Collections.Concurrent;

namespace PipeNet.Resolver.Internal;

/// <summary>
/// Answers kept until their TTL runs out, "no such name" kept briefly, and one query in flight per key however
/// many callers ask at once. Bounded: past <c>maxEntries</c> the expired answers go, then those closest to expiring.
/// </summary>
/// <remarks>
/// A hit is a dictionary read and a clock read: it allocates nothing. Expiry is checked when an answer is read,
/// so there is no timer; eviction runs only when a new answer is stored into a full cache.
/// </remarks>
internal sealed class ResolverCache<TKey, TValue>
    where TKey : notnull
    where TValue : class
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries;
    private readonly ConcurrentDictionary<TKey, Task<TValue>> _inFlight;
    private readonly TimeProvider _time;
    private readonly int _maxEntries;
    private readonly TimeSpan _negativeTtl;
    private readonly Lock _evictionLock = new();
    private int _count;

    public ResolverCache(int maxEntries, TimeSpan negativeTtl, TimeProvider time, IEqualityComparer<TKey> comparer)
    {
        _entries = new ConcurrentDictionary<TKey, Entry>(comparer);
        _inFlight = new ConcurrentDictionary<TKey, Task<TValue>>(comparer);
        _maxEntries = maxEntries;
        _negativeTtl = negativeTtl;
        _time = time;
    }

    /// <summary>How many answers are stored (expired ones included until they are read or evicted).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The answer for <paramref name="key"/>: from the cache, from a query already in flight, or from a new one.</summary>
    public ValueTask<TValue> GetAsync<TState>(TKey key, TState state, Func<TKey, TState, ValueTask<Answer<TValue>>> fetch, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(key, out Entry? entry))
        {
            if (_time.GetTimestamp() < entry.ExpiresAt)
            {
                ResolverMetrics.CacheHits.Add(1);
                return entry.Error is { } error
                    ? ValueTask.FromException<TValue>(new NetException(error.Code, error.Message, error.InnerException))
                    : new ValueTask<TValue>(entry.Value!);
            }

            Remove(key, entry);
        }

        return JoinAsync(key, state, fetch, cancellationToken);
    }

    /// <summary>Forgets every answer.</summary>
    public void Clear()
    {
        foreach (KeyValuePair<TKey, Entry> pair in _entries)
        {
            Remove(pair.Key, pair.Value);
        }
    }

    private ValueTask<TValue> JoinAsync<TState>(TKey key, TState state, Func<TKey, TState, ValueTask<Answer<TValue>>> fetch, CancellationToken cancellationToken)
    {
        Task<TValue> query;
        if (!_inFlight.TryGetValue(key, out query!))
        {
            var started = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
            query = _inFlight.GetOrAdd(key, started.Task);
            if (query == started.Task)
            {
                // The query is shared, so no one caller's token may cancel it; each caller stops waiting on its own.
                _ = RunAsync(key, state, fetch, started);
            }
            else
            {
                ResolverMetrics.Coalesced.Add(1);
            }
        }
        else
        {
            ResolverMetrics.Coalesced.Add(1);
        }

        return query.IsCompleted || !cancellationToken.CanBeCanceled
            ? new ValueTask<TValue>(query)
            : new ValueTask<TValue>(query.WaitAsync(cancellationToken));
    }

    private async Task RunAsync<TState>(TKey key, TState state, Func<TKey, TState, ValueTask<Answer<TValue>>> fetch, TaskCompletionSource<TValue> completion)
    {
        ResolverMetrics.Queries.Add(1);
        try
        {
            Answer<TValue> answer = await fetch(key, state).ConfigureAwait(false);
            Store(key, new Entry(answer.Value, null, Expiry(answer.Ttl)), answer.Ttl);
            _inFlight.TryRemove(key, out _);
            completion.SetResult(answer.Value);
        }
        catch (Exception ex)
        {
            ResolverMetrics.Failures.Add(1);
            if (ex is NetException { Code: NetErrorCode.NotFound } notFound)
            {
                Store(key, new Entry(null, notFound, Expiry(_negativeTtl)), _negativeTtl);
            }

            _inFlight.TryRemove(key, out _);
            completion.SetException(ex);
        }
    }

    private long Expiry(TimeSpan ttl) => _time.GetTimestamp() + (long)(ttl.TotalSeconds * _time.TimestampFrequency);

    private void Store(TKey key, Entry entry, TimeSpan ttl)
    {
        if (_maxEntries == 0 || ttl <= TimeSpan.Zero)
        {
            return;
        }

        if (Volatile.Read(ref _count) >= _maxEntries)
        {
            Evict();
        }

        _entries.AddOrUpdate(
            key,
            static (_, state) => { Interlocked.Increment(ref state.Cache._count); return state.Entry; },
            static (_, _, state) => state.Entry,
            (Cache: this, Entry: entry));
    }

    private void Evict()
    {
        lock (_evictionLock)
        {
            if (Volatile.Read(ref _count) < _maxEntries)
            {
                return;
            }

            long now = _time.GetTimestamp();
            var live = new List<KeyValuePair<TKey, Entry>>(_entries.Count);
            foreach (KeyValuePair<TKey, Entry> pair in _entries)
            {
                if (pair.Value.ExpiresAt <= now)
                {
                    Remove(pair.Key, pair.Value);
                }
                else
                {
                    live.Add(pair);
                }
            }

            // Still full of live answers: drop the tenth closest to expiring, so the next inserts do not each pay a sweep.
            int target = _maxEntries - Math.Max(1, _maxEntries / 10);
            if (live.Count > target)
            {
                live.Sort(static (a, b) => a.Value.ExpiresAt.CompareTo(b.Value.ExpiresAt));
                for (int i = 0; i < live.Count - target; i++)
                {
                    Remove(live[i].Key, live[i].Value);
                }
            }
        }
    }

    private void Remove(TKey key, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry)))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private sealed record Entry(TValue? Value, NetException? Error, long ExpiresAt);
}
