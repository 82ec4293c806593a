namespace Gateway.Cluster;

/// <summary>Where a user is: the other nodes holding it, and whether the store lists this node.</summary>
public sealed record UserLocation(IReadOnlyList<NodeRecord> OtherNodes, bool ListsThisNode);

/// <summary>
/// Which nodes hold a user (a web session or a SIP binding). This node's changes are written at once, without
/// waiting (at most <see cref="MaxPending"/> writes in flight: beyond that a change waits for the next refresh of
/// <see cref="ClusterNode"/>, which rewrites every local user); lookups leave out nodes whose record has expired or
/// that drain, and remove the entries of gone nodes.
/// </summary>
public sealed class UserPresence(IClusterStore store, string nodeId, TimeSpan ttl, TimeProvider time)
{
    public const int MaxPending = 1000;

    private int _pending;

    public string NodeId => nodeId;

    /// <summary>This node now holds the user.</summary>
    public void Held(string user) => Write(() => store.SetPresenceAsync(user, nodeId, time.GetUtcNow() + ttl));

    /// <summary>This node no longer holds the user.</summary>
    public void Released(string user) => Write(() => store.RemovePresenceAsync(user, nodeId));

    /// <summary>Rewrites this node's entry for the user (the periodic refresh), awaited.</summary>
    public Task RefreshAsync(string user) => store.SetPresenceAsync(user, nodeId, time.GetUtcNow() + ttl);

    /// <summary>
    /// The other live, active nodes that hold the user, and whether the store lists this node too (which the caller
    /// compares with what it holds); throws when the store is unreachable.
    /// </summary>
    public async Task<UserLocation> LocateAsync(string user)
    {
        var nodes = new List<NodeRecord>();
        var here = false;
        foreach (var id in await store.PresenceAsync(user, time.GetUtcNow()))
        {
            if (id == nodeId) { here = true; continue; }
            var node = await store.NodeAsync(id);
            if (node is null) await store.RemovePresenceAsync(user, id); // the node is gone: its entry is stale
            else if (node.State == NodeState.Active) nodes.Add(node);
        }
        return new UserLocation(nodes, here);
    }

    /// <summary>A node that was asked for the user and does not hold it removes its own stale entry.</summary>
    public Task ForgetAsync(string user) => store.RemovePresenceAsync(user, nodeId);

    private void Write(Func<Task> write)
    {
        if (Interlocked.Increment(ref _pending) > MaxPending)
        {
            Interlocked.Decrement(ref _pending);
            return;
        }
        _ = RunAsync(write);
    }

    private async Task RunAsync(Func<Task> write)
    {
        try { await write(); }
        catch (Exception) { /* the store is down: ClusterNode logs it and rewrites everything when it is back */ }
        finally { Interlocked.Decrement(ref _pending); }
    }
}
