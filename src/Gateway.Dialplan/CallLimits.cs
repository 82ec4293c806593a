using System.Collections.Concurrent;

namespace Gateway.Dialplan;

/// <summary>
/// Concurrent call limits from the dialplan: per web user (<c>guards.per_user_calls</c>) and per trunk
/// (<c>max_channels</c>). A call holds its slots until the returned lease is disposed.
/// </summary>
public sealed class CallLimits
{
    private readonly ConcurrentDictionary<string, int> _active = new(StringComparer.Ordinal);

    public int Active(string key) => _active.GetValueOrDefault(key);

    /// <summary>Takes a slot for a web user; null when the user already has the allowed number of calls.</summary>
    public IDisposable? TryAcquireUser(CompiledDialplan plan, string user) => TryAcquire("user:" + user, plan.PerUserCallLimit);

    /// <summary>Takes a channel on a trunk; null when the trunk is full (try the next trunk of the route).</summary>
    public IDisposable? TryAcquireTrunk(CompiledDialplan plan, string trunk) =>
        TryAcquire("trunk:" + trunk, plan.Trunks.TryGetValue(trunk, out var t) ? t.MaxChannels : null);

    private Lease? TryAcquire(string key, int? limit)
    {
        while (true)
        {
            var current = _active.GetOrAdd(key, 0);
            if (limit is { } max && current >= max) return null;
            if (_active.TryUpdate(key, current + 1, current)) return new Lease(this, key);
        }
    }

    private void Release(string key) => _active.AddOrUpdate(key, 0, (_, n) => Math.Max(0, n - 1));

    private sealed class Lease(CallLimits owner, string key) : IDisposable
    {
        private int _disposed;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Release(key);
        }
    }
}
