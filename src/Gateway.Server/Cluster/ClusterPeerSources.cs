using System.Net;
using Gateway.Cluster;
using Gateway.Sip.Messages;

namespace Gateway.Server.Cluster;

/// <summary>
/// The addresses of the cluster's live nodes (their records' SIP URIs, IP literals), read from the store at most once
/// per <see cref="RefreshAfter"/>: an INVITE another node sends for one of this node's users comes from one of them.
/// A node whose <c>Cluster:SipUri</c> names a host name is not listed (its calls need a trunk source, as Kamailio's do).
/// </summary>
internal sealed class ClusterPeerSources(IClusterStore store, TimeProvider time)
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(2);
    /// <summary>An address not listed rereads the store, at most this often (marked INVITEs from strangers cost no read each).</summary>
    public static readonly TimeSpan MissRefreshAfter = TimeSpan.FromMilliseconds(250);

    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlySet<IPAddress> Addresses, DateTimeOffset At);

    /// <summary>True when <paramref name="source"/> is a live node's address; throws when the store is unreachable.</summary>
    public async Task<bool> IsNodeAsync(IPAddress source)
    {
        if (source.IsIPv4MappedToIPv6) source = source.MapToIPv4();
        var now = time.GetUtcNow();
        var snapshot = _snapshot;
        if (snapshot is null || now - snapshot.At >= RefreshAfter || (!snapshot.Addresses.Contains(source) && now - snapshot.At >= MissRefreshAfter))
        {
            // A miss refreshes too: a node that joined a moment ago is found on its first call.
            var nodes = await store.NodesAsync();
            _snapshot = snapshot = new Snapshot(nodes.Select(n => AddressOf(n.SipUri)).OfType<IPAddress>().ToHashSet(), now);
        }
        return snapshot.Addresses.Contains(source);
    }

    public static IPAddress? AddressOf(string sipUri) =>
        SipUri.TryParse(sipUri, out var uri) && IPAddress.TryParse(uri!.Host.Trim('[', ']'), out var address) ? address : null;
}
