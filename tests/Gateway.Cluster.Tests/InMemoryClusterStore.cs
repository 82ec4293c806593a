using Gateway.Tests.Shared;

namespace Gateway.Cluster.Tests;

/// <summary>The shared store in memory on a test clock, with a switch that makes every call fail (Redis down).</summary>
internal sealed class InMemoryClusterStore(TimeProvider time) : IClusterStore
{
    private readonly Dictionary<string, (NodeRecord Record, DateTimeOffset Expires)> _nodes = [];
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _presence = [];
    private readonly Dictionary<string, (string Owner, DateTimeOffset Expires)> _leases = [];

    public bool Down { get; set; }

    /// <summary>Forgets everything (Redis restarted without persistence).</summary>
    public void Wipe()
    {
        _nodes.Clear();
        _presence.Clear();
        _leases.Clear();
    }

    public string? LeaseOwner(string lease) =>
        _leases.TryGetValue(lease, out var l) && l.Expires > time.GetUtcNow() ? l.Owner : null;

    private DateTimeOffset Now
    {
        get
        {
            if (Down) throw new InvalidOperationException("store down");
            return time.GetUtcNow();
        }
    }

    public Task PublishNodeAsync(NodeRecord record, TimeSpan ttl)
    {
        _nodes[record.Id] = (record, Now + ttl);
        return Task.CompletedTask;
    }

    public Task<NodeRecord?> NodeAsync(string id) =>
        Task.FromResult(_nodes.TryGetValue(id, out var n) && n.Expires > Now ? n.Record : null);

    public Task<IReadOnlyList<NodeRecord>> NodesAsync()
    {
        var now = Now;
        return Task.FromResult<IReadOnlyList<NodeRecord>>([.. _nodes.Values.Where(n => n.Expires > now).Select(n => n.Record)]);
    }

    public Task RemoveNodeAsync(string id)
    {
        _ = Now;
        _nodes.Remove(id);
        return Task.CompletedTask;
    }

    public Task SetPresenceAsync(string user, string node, DateTimeOffset expires)
    {
        _ = Now;
        if (!_presence.TryGetValue(user, out var nodes)) _presence[user] = nodes = [];
        nodes[node] = expires;
        return Task.CompletedTask;
    }

    public Task RemovePresenceAsync(string user, string node)
    {
        _ = Now;
        if (_presence.TryGetValue(user, out var nodes)) nodes.Remove(node);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> PresenceAsync(string user, DateTimeOffset now)
    {
        _ = Now;
        return Task.FromResult<IReadOnlyList<string>>(_presence.TryGetValue(user, out var nodes)
            ? [.. nodes.Where(n => n.Value > now).Select(n => n.Key).Order(StringComparer.Ordinal)] : []);
    }

    public Task<bool> AcquireOrRenewAsync(string lease, string owner, TimeSpan period)
    {
        var now = Now;
        if (_leases.TryGetValue(lease, out var l) && l.Expires > now && l.Owner != owner) return Task.FromResult(false);
        _leases[lease] = (owner, now + period);
        return Task.FromResult(true);
    }

    public Task ReleaseAsync(string lease, string owner)
    {
        _ = Now;
        if (_leases.TryGetValue(lease, out var l) && l.Owner == owner) _leases.Remove(lease);
        return Task.CompletedTask;
    }
}
