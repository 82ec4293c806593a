namespace Gateway.Sip.Registrar;

/// <summary>
/// Bindings of one gateway in memory, at most <c>maxBindings</c>. Expiry follows the injected <see cref="TimeProvider"/>:
/// reads never return an expired binding, and a sweep (on a timer and before <see cref="Count"/>) frees them. Thread-safe.
/// </summary>
public sealed class InMemoryRegistrationStore : IRegistrationStore, IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<SipBinding>> _byAor = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _maxBindings;
    private readonly ITimer _sweeper;
    private int _total;
    private DateTimeOffset _lastSweep;

    public InMemoryRegistrationStore(int maxBindings, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBindings, 1);
        _maxBindings = maxBindings;
        _time = time ?? TimeProvider.System;
        _lastSweep = _time.GetUtcNow();
        _sweeper = _time.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                if (_time.GetUtcNow() - _lastSweep >= TimeSpan.FromSeconds(1)) SweepLocked();
                return _total;
            }
        }
    }

    public IReadOnlyList<SipBinding> Lookup(string aor)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
            return _byAor.TryGetValue(aor, out var list) ? list.Where(b => b.ExpiresAt > now).ToArray() : [];
    }

    public BindingResult Apply(BindingUpdate update)
    {
        lock (_gate)
        {
            var existing = _byAor.TryGetValue(update.Aor, out var list) ? list : [];
            var result = BindingMerge.Apply(existing, update, _maxBindings - (_total - existing.Count));
            if (result.Outcome != BindingOutcome.Updated) return result;
            _total += result.Bindings.Count - existing.Count;
            if (result.Bindings.Count == 0) _byAor.Remove(update.Aor);
            else _byAor[update.Aor] = [.. result.Bindings];
            return result;
        }
    }

    /// <summary>Drops expired bindings now (the timer does this every 10 s).</summary>
    public void Sweep()
    {
        lock (_gate) SweepLocked();
    }

    private void SweepLocked()
    {
        var now = _time.GetUtcNow();
        _lastSweep = now;
        List<string>? empty = null;
        foreach (var (aor, list) in _byAor)
        {
            _total -= list.RemoveAll(b => b.ExpiresAt <= now);
            if (list.Count == 0) (empty ??= []).Add(aor);
        }
        if (empty is not null) foreach (var aor in empty) _byAor.Remove(aor);
    }

    public void Dispose() => _sweeper.Dispose();
}
