using Gateway.Tests.Shared;

namespace Gateway.Cluster.Tests;

public sealed class TrunkLeasesTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(9);
    private readonly ManualTimeProvider _time = new();
    private readonly InMemoryClusterStore _store;

    public TrunkLeasesTests() => _store = new InMemoryClusterStore(_time);

    [Fact]
    public async Task One_node_holds_a_trunk_and_another_takes_over_within_one_period_after_it_dies()
    {
        var a = new TrunkLeases(_store, "a", Period, _time);
        var b = new TrunkLeases(_store, "b", Period, _time);
        await a.RenewAsync(["carrier"]);
        await b.RenewAsync(["carrier"]);
        Assert.True(a.Holds("carrier"));
        Assert.False(b.Holds("carrier"));

        // a renews at every heartbeat: b never gets it meanwhile.
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(3));
            await a.RenewAsync(["carrier"]);
            await b.RenewAsync(["carrier"]);
            Assert.False(b.Holds("carrier"));
        }

        // a dies (no more renewals): b has the lease at its first heartbeat after one period.
        var changed = 0;
        b.Changed += () => changed++;
        _time.Advance(TimeSpan.FromSeconds(6));
        await b.RenewAsync(["carrier"]);
        Assert.False(b.Holds("carrier"));
        _time.Advance(TimeSpan.FromSeconds(3));
        await b.RenewAsync(["carrier"]);
        Assert.True(b.Holds("carrier"));
        Assert.Equal(1, changed);
        Assert.Equal("b", _store.LeaseOwner("trunk:carrier"));
    }

    [Fact]
    public async Task A_node_cut_from_the_store_drops_its_lease_after_one_period_so_two_nodes_never_both_register()
    {
        var a = new TrunkLeases(_store, "a", Period, _time);
        await a.RenewAsync(["carrier"]);
        _store.Down = true;
        _time.Advance(TimeSpan.FromSeconds(3));
        await Assert.ThrowsAsync<ClusterStoreException>(() => a.RenewAsync(["carrier"]));
        Assert.True(a.Holds("carrier")); // still within the period it renewed
        _time.Advance(TimeSpan.FromSeconds(6));
        await Assert.ThrowsAsync<ClusterStoreException>(() => a.RenewAsync(["carrier"]));
        Assert.False(a.Holds("carrier"));
    }

    [Fact]
    public async Task A_trunk_no_longer_registering_is_released_for_the_others()
    {
        var a = new TrunkLeases(_store, "a", Period, _time);
        await a.RenewAsync(["one", "two"]);
        Assert.Equal(["one", "two"], a.Held);
        await a.RenewAsync(["two"]);
        Assert.Equal(["two"], a.Held);
        Assert.Null(_store.LeaseOwner("trunk:one"));
        await a.ReleaseAllAsync();
        Assert.Null(_store.LeaseOwner("trunk:two"));
    }
}
