using System.Collections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace PipeNet.Transport.Tcp.Internal;

/// <summary>
/// The connection is its own feature collection: the features it implements are answered by a type test, with no
/// dictionary per connection; features added later (idle clock, TLS, a user's) go to a short list that is created on
/// first use and is consulted first, so an added feature also replaces a built-in one. The idle clock, which every
/// dispatched connection gets, has a field of its own so that it costs no list.
/// </summary>
internal abstract partial class SocketConnection : IFeatureCollection
{
    private static readonly Type[] s_builtInFeatures =
    [
        typeof(IConnectionBytesFeature), typeof(ISocketOptionsFeature), typeof(IConnectionLifetimeFeature),
        typeof(IConnectionLifetimeNotificationFeature), typeof(IConnectionEndPointFeature), typeof(IConnectionIdFeature),
        typeof(IConnectionTransportFeature), typeof(IConnectionItemsFeature), typeof(IConnectionSendProgressFeature),
        typeof(IConnectionCloseReasonFeature),
    ];

    private int _featureRevision;
    private IConnectionIdleTimeoutFeature? _idleTimeoutFeature;

    bool IFeatureCollection.IsReadOnly => false;

    int IFeatureCollection.Revision => Volatile.Read(ref _featureRevision);

    object? IFeatureCollection.this[Type key]
    {
        get => GetFeature(key);
        set => SetFeature(key, value);
    }

    TFeature? IFeatureCollection.Get<TFeature>() where TFeature : default => (TFeature?)GetFeature(typeof(TFeature));

    void IFeatureCollection.Set<TFeature>(TFeature? instance) where TFeature : default => SetFeature(typeof(TFeature), instance);

    IEnumerator<KeyValuePair<Type, object>> IEnumerable<KeyValuePair<Type, object>>.GetEnumerator() => SnapshotFeatures().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => SnapshotFeatures().GetEnumerator();

    private object? GetFeature(Type key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_rarely?.AddedFeatures is { } added)
        {
            lock (added)
            {
                foreach (KeyValuePair<Type, object?> feature in added)
                {
                    if (feature.Key == key)
                    {
                        return feature.Value;
                    }
                }
            }
        }

        return BuiltInFeature(key);
    }

    private object? BuiltInFeature(Type key) =>
        key == typeof(IConnectionIdleTimeoutFeature) ? _idleTimeoutFeature
        : Array.IndexOf(s_builtInFeatures, key) >= 0 ? this
        : null;

    private void SetFeature(Type key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key == typeof(IConnectionIdleTimeoutFeature) && value is null or IConnectionIdleTimeoutFeature)
        {
            _idleTimeoutFeature = (IConnectionIdleTimeoutFeature?)value;
            Interlocked.Increment(ref _featureRevision);
            return;
        }

        Rarely extras = Extras;
        if (extras.AddedFeatures is null)
        {
            Interlocked.CompareExchange(ref extras.AddedFeatures, [], null);
        }

        List<KeyValuePair<Type, object?>> added = extras.AddedFeatures;
        lock (added)
        {
            int index = added.FindIndex(feature => feature.Key == key);
            if (value is null && BuiltInFeature(key) is null)
            {
                if (index >= 0)
                {
                    added.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                added[index] = new(key, value);
            }
            else
            {
                added.Add(new(key, value));
            }

            Interlocked.Increment(ref _featureRevision);
        }
    }

    private List<KeyValuePair<Type, object>> SnapshotFeatures()
    {
        var features = new List<KeyValuePair<Type, object>>(s_builtInFeatures.Length + 2);
        foreach (Type key in s_builtInFeatures)
        {
            if (GetFeature(key) is { } feature)
            {
                features.Add(new(key, feature));
            }
        }

        if (_idleTimeoutFeature is { } idle)
        {
            features.Add(new(typeof(IConnectionIdleTimeoutFeature), idle));
        }

        if (_rarely?.AddedFeatures is { } added)
        {
            lock (added)
            {
                foreach (KeyValuePair<Type, object?> feature in added)
                {
                    if (feature.Value is not null && Array.IndexOf(s_builtInFeatures, feature.Key) < 0)
                    {
                        features.Add(new(feature.Key, feature.Value));
                    }
                }
            }
        }

        return features;
    }
}
