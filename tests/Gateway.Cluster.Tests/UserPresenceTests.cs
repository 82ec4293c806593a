using Gateway.Tests.Shared;

namespace Gateway.Cluster.Tests;

public sealed class UserPresenceTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private readonly ManualTimeProvider _time = new();
    private readonly InMemoryClusterStore _store;

    public UserPresenceTests() => _store = new InMemoryClusterStore(_time);

    private Task Node(string id, NodeState state = NodeState.Active) =>
        _store.PublishNodeAsync(new NodeRecord(id, $"sip:127.0.0.{id.Length}:5060", state, 0, _time.GetUtcNow()), TimeSpan.FromSeconds(6));

    [Fact]
    public async Task Lookup_finds_the_other_active_nodes_holding_the_user()
    {
        await Node("n1");
        await Node("n2");
        await Node("n3", NodeState.Draining);
        foreach (var n in new[] { "n1", "n2", "n3" }) await new UserPresence(_store, n, Ttl, _time).RefreshAsync("alice");

        var seen = await new UserPresence(_store, "n1", Ttl, _time).LocateAsync("alice");
        Assert.Equal(["n2"], seen.OtherNodes.Select(n => n.Id));
        Assert.True(seen.ListsThisNode);
        Assert.Empty((await new UserPresence(_store, "n1", Ttl, _time).LocateAsync("bob")).OtherNodes);
    }

    [Fact]
    public async Task A_dead_nodes_entry_is_left_out_and_removed()
    {
        await Node("n2");
        await new UserPresence(_store, "n2", Ttl, _time).RefreshAsync("alice");
        _time.Advance(TimeSpan.FromSeconds(7)); // n2's record expired: it is gone
        var n1 = new UserPresence(_store, "n1", Ttl, _time);
        Assert.Empty((await n1.LocateAsync("alice")).OtherNodes);
        Assert.Empty(await _store.PresenceAsync("alice", _time.GetUtcNow()));
    }

    [Fact]
    public async Task Presence_expires_without_refresh_and_a_stale_node_forgets_its_own_entry()
    {
        await Node("n2");
        var n2 = new UserPresence(_store, "n2", Ttl, _time);
        await n2.RefreshAsync("alice");
        await n2.RefreshAsync("bob");
        await n2.ForgetAsync("bob");
        Assert.Empty(await _store.PresenceAsync("bob", _time.GetUtcNow()));
        _time.Advance(Ttl);
        Assert.Empty(await _store.PresenceAsync("alice", _time.GetUtcNow()));
    }

    [Fact]
    public async Task Changes_are_written_without_waiting_and_a_failing_store_loses_only_the_write()
    {
        var n1 = new UserPresence(_store, "n1", Ttl, _time);
        n1.Held("alice");
        Assert.Equal(["n1"], await _store.PresenceAsync("alice", _time.GetUtcNow()));
        n1.Released("alice");
        Assert.Empty(await _store.PresenceAsync("alice", _time.GetUtcNow()));
        _store.Down = true;
        n1.Held("carol"); // no exception reaches the caller
        _store.Down = false;
        Assert.Empty(await _store.PresenceAsync("carol", _time.GetUtcNow()));
    }
}
