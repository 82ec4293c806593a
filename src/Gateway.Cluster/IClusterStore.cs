namespace Gateway.Cluster;

/// <summary>
/// The shared state, as the cluster needs it: node records with a time to live, user presence (which nodes hold a
/// user, each entry with its own expiry) and leases (one owner per name). <see cref="RedisClusterStore"/> is the
/// production store; every operation may throw when the store is unreachable, and <see cref="ClusterNode"/> copes.
/// </summary>
public interface IClusterStore
{
    Task PublishNodeAsync(NodeRecord record, TimeSpan ttl);

    /// <summary>The node's record, or null when it has expired (the node is gone) or was removed.</summary>
    Task<NodeRecord?> NodeAsync(string id);

    Task<IReadOnlyList<NodeRecord>> NodesAsync();

    Task RemoveNodeAsync(string id);

    /// <summary>Says <paramref name="node"/> holds <paramref name="user"/> until <paramref name="expires"/>.</summary>
    Task SetPresenceAsync(string user, string node, DateTimeOffset expires);

    Task RemovePresenceAsync(string user, string node);

    /// <summary>The nodes whose presence for <paramref name="user"/> has not expired at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<string>> PresenceAsync(string user, DateTimeOffset now);

    /// <summary>Takes the lease when free, or extends it when <paramref name="owner"/> holds it; false when another owner holds it.</summary>
    Task<bool> AcquireOrRenewAsync(string lease, string owner, TimeSpan period);

    /// <summary>Gives the lease up if <paramref name="owner"/> holds it.</summary>
    Task ReleaseAsync(string lease, string owner);
}
