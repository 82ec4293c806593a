using Gateway.Tests.Shared;

namespace Gateway.Cluster.Tests;

public sealed class ClusterNodeTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly InMemoryClusterStore _store;
    private readonly ClusterOptions _options = new() { Redis = "unused", Heartbeat = TimeSpan.FromSeconds(2), PresenceTtl = TimeSpan.FromSeconds(30), TrunkLeasePeriod = TimeSpan.FromSeconds(6) };
    private readonly ListLogger<ClusterNode> _log = new();
    private readonly List<string> _users = ["alice"];
    private NodeStatus _status = new(NodeState.Active, 0);

    public ClusterNodeTests() => _store = new InMemoryClusterStore(_time);

    private ClusterNode Create(out TrunkLeases leases)
    {
        var presence = new UserPresence(_store, "n1", _options.PresenceTtl, _time);
        leases = new TrunkLeases(_store, "n1", _options.TrunkLeasePeriod, _time);
        return new ClusterNode(_options, "n1", "sip:127.0.0.1:5071", _store, presence, leases, () => _status, () => _users, () => ["carrier"], _time, _log);
    }

    [Fact]
    public async Task A_heartbeat_writes_the_node_its_users_and_its_trunk_leases()
    {
        var node = Create(out var leases);
        _status = new NodeStatus(NodeState.Draining, 3);
        await node.BeatAsync();
        var record = await _store.NodeAsync("n1");
        Assert.Equal(new NodeRecord("n1", "sip:127.0.0.1:5071", NodeState.Draining, 3, _time.GetUtcNow()), record);
        Assert.Equal(["n1"], await _store.PresenceAsync("alice", _time.GetUtcNow()));
        Assert.True(leases.Holds("carrier"));
        Assert.Equal([7500], _log.EventIds);
    }

    [Fact]
    public async Task Store_down_is_logged_once_and_when_it_is_back_empty_every_record_is_rewritten()
    {
        var node = Create(out var leases);
        await node.BeatAsync();
        _store.Down = true;
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(_options.Heartbeat);
            await node.BeatAsync();
        }
        Assert.False(node.Reachable);
        Assert.False(leases.Holds("carrier")); // not renewed for a whole lease period
        Assert.Equal([7500, 7501], _log.EventIds);

        _store.Wipe();
        _store.Down = false;
        _time.Advance(_options.Heartbeat);
        await node.BeatAsync();
        Assert.True(node.Reachable);
        Assert.Equal([7500, 7501, 7502], _log.EventIds);
        Assert.NotNull(await _store.NodeAsync("n1"));
        Assert.Equal(["n1"], await _store.PresenceAsync("alice", _time.GetUtcNow()));
        Assert.True(leases.Holds("carrier"));
    }

    [Fact]
    public async Task A_lease_outlives_a_failed_heartbeat_until_a_whole_period_without_renewal()
    {
        var node = Create(out var leases);
        await node.BeatAsync();
        _store.Down = true;
        _time.Advance(_options.Heartbeat);
        await node.BeatAsync();
        Assert.True(leases.Holds("carrier")); // one blip: still within the period it renewed
        _time.Advance(_options.TrunkLeasePeriod - _options.Heartbeat);
        await node.BeatAsync();
        Assert.False(leases.Holds("carrier"));
    }

    [Fact]
    public async Task Presence_is_refreshed_every_third_of_its_ttl_not_every_heartbeat()
    {
        var node = Create(out _);
        await node.BeatAsync();
        await _store.RemovePresenceAsync("alice", "n1");
        _time.Advance(_options.Heartbeat);
        await node.BeatAsync();
        Assert.Empty(await _store.PresenceAsync("alice", _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(8));
        await node.BeatAsync();
        Assert.Equal(["n1"], await _store.PresenceAsync("alice", _time.GetUtcNow()));
    }

    [Fact]
    public async Task Stopping_withdraws_the_node_its_presence_and_its_leases()
    {
        var node = Create(out _);
        using var cts = new CancellationTokenSource();
        var run = node.RunAsync(cts.Token);
        await cts.CancelAsync();
        await run;
        Assert.Null(await _store.NodeAsync("n1"));
        Assert.Empty(await _store.PresenceAsync("alice", _time.GetUtcNow()));
        Assert.Null(_store.LeaseOwner("trunk:carrier"));
    }
}
