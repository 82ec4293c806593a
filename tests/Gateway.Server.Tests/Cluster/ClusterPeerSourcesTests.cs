using System.Net;
using Gateway.Cluster;
using Gateway.Server.Cluster;
using Gateway.Tests.Shared;

namespace Gateway.Server.Tests.Cluster;

/// <summary>Another node's INVITE for one of our users is served only from a live node's address.</summary>
public sealed class ClusterPeerSourcesTests
{
    [Fact]
    public async Task A_live_nodes_address_is_a_peer_and_others_are_not()
    {
        var time = new ManualTimeProvider();
        var store = new NodesOnlyStore([Node("n1", "sip:10.0.0.1:5060"), Node("n2", "sip:[2001:db8::2]:5070;transport=tcp"), Node("n3", "sip:gw3.example.net:5060")]);
        var peers = new ClusterPeerSources(store, time);

        Assert.True(await peers.IsNodeAsync(IPAddress.Parse("10.0.0.1")));
        Assert.True(await peers.IsNodeAsync(IPAddress.Parse("::ffff:10.0.0.1")));
        Assert.True(await peers.IsNodeAsync(IPAddress.Parse("2001:db8::2")));
        Assert.False(await peers.IsNodeAsync(IPAddress.Parse("10.0.0.9"))); // an attacker who copied the gw-node mark
        Assert.False(await peers.IsNodeAsync(IPAddress.Parse("10.0.0.8")));
        Assert.Equal(1, store.Reads); // hits, and misses within MissRefreshAfter, cost no read

        time.Advance(ClusterPeerSources.MissRefreshAfter);
        store.Nodes = [.. store.Nodes, Node("n4", "sip:10.0.0.4:5060")];
        Assert.True(await peers.IsNodeAsync(IPAddress.Parse("10.0.0.4"))); // a node that just joined: the miss rereads
        Assert.Equal(2, store.Reads);
        time.Advance(ClusterPeerSources.RefreshAfter);
        store.Nodes = [];
        Assert.False(await peers.IsNodeAsync(IPAddress.Parse("10.0.0.1"))); // gone from the store: no longer a peer
    }

    [Fact]
    public async Task An_unreachable_store_throws_for_the_caller_to_answer_503()
    {
        var peers = new ClusterPeerSources(new NodesOnlyStore([]) { Down = true }, TimeProvider.System);
        await Assert.ThrowsAsync<ClusterStoreException>(() => peers.IsNodeAsync(IPAddress.Loopback));
    }

    private static NodeRecord Node(string id, string uri) => new(id, uri, NodeState.Active, 0, DateTimeOffset.UnixEpoch);

    private sealed class NodesOnlyStore(IReadOnlyList<NodeRecord> nodes) : IClusterStore
    {
        public IReadOnlyList<NodeRecord> Nodes { get; set; } = nodes;
        public bool Down { get; init; }
        public int Reads;

        public Task<IReadOnlyList<NodeRecord>> NodesAsync()
        {
            Reads++;
            return Down ? throw new ClusterStoreException("reading nodes", new TimeoutException("down")) : Task.FromResult(Nodes);
        }

        public Task PublishNodeAsync(NodeRecord record, TimeSpan ttl) => throw new NotSupportedException();
        public Task<NodeRecord?> NodeAsync(string id) => throw new NotSupportedException();
        public Task RemoveNodeAsync(string id) => throw new NotSupportedException();
        public Task SetPresenceAsync(string user, string node, DateTimeOffset expires) => throw new NotSupportedException();
        public Task RemovePresenceAsync(string user, string node) => throw new NotSupportedException();
        public Task<IReadOnlyList<string>> PresenceAsync(string user, DateTimeOffset now) => throw new NotSupportedException();
        public Task<bool> AcquireOrRenewAsync(string lease, string owner, TimeSpan period) => throw new NotSupportedException();
        public Task ReleaseAsync(string lease, string owner) => throw new NotSupportedException();
    }
}
