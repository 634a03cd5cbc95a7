using System.Collections.Concurrent;

namespace Sightline.Server.Hosting;

/// <summary>
/// Values loaded on first use, once per key, however many requests ask at the same time. A load that
/// failed is forgotten, so the next request tries again (a model pull that hit a network error).
/// </summary>
internal sealed class LoadOnce<TKey, TValue>(Func<TKey, Task<TValue>> load, IEqualityComparer<TKey>? comparer = null) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _loads = new(comparer);

    public Task<TValue> Get(TKey key)
    {
        var lazy = _loads.GetOrAdd(key, k => new Lazy<Task<TValue>>(() => load(k)));
        var task = lazy.Value;
        if (task.IsFaulted)
            _loads.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, lazy));
        return task;
    }

    /// <summary>The values loaded so far, for disposal.</summary>
    public IEnumerable<TValue> Loaded => _loads.Values
        .Where(lazy => lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
        .Select(lazy => lazy.Value.Result);
}
