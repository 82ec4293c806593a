namespace Gateway.Cluster;

/// <summary>
/// One node registers each <c>register: true</c> trunk: the one holding the trunk's lease (<c>lease:trunk:&lt;name&gt;</c>,
/// SET NX PX, renewed by its owner at every heartbeat). A lease this node could not renew for a whole period is
/// dropped (another node may have it by then), so two nodes never register the same trunk for long.
/// <see cref="Changed"/> fires after a renewal pass that gained or lost a lease.
/// </summary>
public sealed class TrunkLeases(IClusterStore store, string nodeId, TimeSpan period, TimeProvider time)
{
    private readonly Dictionary<string, DateTimeOffset> _held = new(StringComparer.Ordinal); // trunk -> last renewal
    private readonly Lock _gate = new();

    public event Action? Changed;

    public bool Holds(string trunk)
    {
        lock (_gate) return _held.ContainsKey(trunk);
    }

    public IReadOnlyList<string> Held
    {
        get { lock (_gate) return [.. _held.Keys.Order(StringComparer.Ordinal)]; }
    }

    private static string Key(string trunk) => "trunk:" + trunk;

    /// <summary>Takes or renews the lease of every wanted trunk, gives up the others; store failures are rethrown after the pass.</summary>
    public async Task RenewAsync(IReadOnlyCollection<string> wanted)
    {
        var now = time.GetUtcNow();
        var changed = false;
        Exception? failure = null;
        foreach (var trunk in wanted)
        {
            bool ok;
            try { ok = await store.AcquireOrRenewAsync(Key(trunk), nodeId, period); }
            catch (Exception e) { failure ??= e; continue; }
            lock (_gate)
            {
                if (ok) { changed |= !_held.ContainsKey(trunk); _held[trunk] = now; }
                else changed |= _held.Remove(trunk);
            }
        }
        List<string> dropped, unwanted;
        lock (_gate)
        {
            unwanted = [.. _held.Keys.Where(t => !wanted.Contains(t))];
            dropped = [.. _held.Where(h => now - h.Value >= period).Select(h => h.Key).Union(unwanted)];
            foreach (var trunk in dropped) _held.Remove(trunk);
        }
        foreach (var trunk in unwanted)
        {
            try { await store.ReleaseAsync(Key(trunk), nodeId); }
            catch (Exception e) { failure ??= e; }
        }
        if (changed || dropped.Count > 0) Changed?.Invoke();
        if (failure is not null) throw new ClusterStoreException("renewing the trunk leases", failure);
    }

    /// <summary>The store could not be reached: drops the leases not renewed for a whole period (another node may hold them now).</summary>
    public void ExpireUnrenewed()
    {
        var now = time.GetUtcNow();
        int dropped;
        lock (_gate)
        {
            var stale = _held.Where(h => now - h.Value >= period).Select(h => h.Key).ToList();
            foreach (var trunk in stale) _held.Remove(trunk);
            dropped = stale.Count;
        }
        if (dropped > 0) Changed?.Invoke();
    }

    /// <summary>Gives every lease up (the node stops).</summary>
    public async Task ReleaseAllAsync()
    {
        List<string> held;
        lock (_gate) { held = [.. _held.Keys]; _held.Clear(); }
        foreach (var trunk in held) await store.ReleaseAsync(Key(trunk), nodeId);
        if (held.Count > 0) Changed?.Invoke();
    }
}
