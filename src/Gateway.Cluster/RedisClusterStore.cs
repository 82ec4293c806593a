using StackExchange.Redis;

namespace Gateway.Cluster;

/// <summary>
/// The shared state in Redis. Keys (under <see cref="ClusterOptions.KeyPrefix"/>):
/// <c>node:&lt;id&gt;</c> a hash (sip, state, calls, seen) expiring after three heartbeats, <c>nodes</c> the set of ids,
/// <c>user:&lt;name&gt;</c> a sorted set of node ids scored by their presence's expiry (Unix ms), <c>lease:&lt;name&gt;</c>
/// the owner's id with PX expiry (SET NX PX, renewed by its owner only, a Lua check-and-set).
/// </summary>
public sealed class RedisClusterStore(Func<IDatabase> database, string prefix) : IClusterStore
{
    private const string AcquireOrRenew = """
        local v = redis.call('GET', KEYS[1])
        if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
        if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
        return 0
        """;

    private const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private IDatabase Db => database();
    private RedisKey NodeKey(string id) => prefix + "node:" + id;
    private RedisKey NodesKey => prefix + "nodes";
    private RedisKey UserKey(string user) => prefix + "user:" + user;
    private RedisKey LeaseKey(string lease) => prefix + "lease:" + lease;

    public async Task PublishNodeAsync(NodeRecord record, TimeSpan ttl)
    {
        var batch = Db.CreateBatch();
        var set = batch.HashSetAsync(NodeKey(record.Id), [
            new("sip", record.SipUri), new("state", record.State.ToString()), new("calls", record.Calls),
            new("seen", record.Seen.ToUnixTimeMilliseconds())]);
        var expire = batch.KeyExpireAsync(NodeKey(record.Id), ttl);
        var add = batch.SetAddAsync(NodesKey, record.Id);
        batch.Execute();
        await Task.WhenAll(set, expire, add);
    }

    public async Task<NodeRecord?> NodeAsync(string id) => Parse(id, await Db.HashGetAllAsync(NodeKey(id)));

    public async Task<IReadOnlyList<NodeRecord>> NodesAsync()
    {
        var nodes = new List<NodeRecord>();
        foreach (var id in await Db.SetMembersAsync(NodesKey))
        {
            if (await NodeAsync(id!) is { } node) nodes.Add(node);
            else await Db.SetRemoveAsync(NodesKey, id); // expired: the node is gone
        }
        return nodes;
    }

    public async Task RemoveNodeAsync(string id)
    {
        await Db.KeyDeleteAsync(NodeKey(id));
        await Db.SetRemoveAsync(NodesKey, id);
    }

    public async Task SetPresenceAsync(string user, string node, DateTimeOffset expires)
    {
        var batch = Db.CreateBatch();
        var add = batch.SortedSetAddAsync(UserKey(user), node, expires.ToUnixTimeMilliseconds());
        // The key outlives its latest entry a little; entries are filtered by score, so a later expiry only keeps it longer.
        var expire = batch.KeyExpireAsync(UserKey(user), expires.AddSeconds(5).UtcDateTime, ExpireWhen.GreaterThanCurrentExpiry);
        var expireNew = batch.KeyExpireAsync(UserKey(user), expires.AddSeconds(5).UtcDateTime, ExpireWhen.HasNoExpiry);
        batch.Execute();
        await Task.WhenAll(add, expire, expireNew);
    }

    public Task RemovePresenceAsync(string user, string node) => Db.SortedSetRemoveAsync(UserKey(user), node);

    public async Task<IReadOnlyList<string>> PresenceAsync(string user, DateTimeOffset now)
    {
        var members = await Db.SortedSetRangeByScoreAsync(UserKey(user), now.ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start);
        return [.. members.Select(m => m.ToString())];
    }

    public async Task<bool> AcquireOrRenewAsync(string lease, string owner, TimeSpan period) =>
        (long)await Db.ScriptEvaluateAsync(AcquireOrRenew, [LeaseKey(lease)], [owner, (long)period.TotalMilliseconds]) == 1;

    public Task ReleaseAsync(string lease, string owner) => Db.ScriptEvaluateAsync(Release, [LeaseKey(lease)], [owner]);

    private static NodeRecord? Parse(string id, HashEntry[] fields)
    {
        if (fields.Length == 0) return null;
        string? sip = null, state = null;
        long calls = 0, seen = 0;
        foreach (var f in fields)
        {
            switch (f.Name.ToString())
            {
                case "sip": sip = f.Value; break;
                case "state": state = f.Value; break;
                case "calls": calls = (long)f.Value; break;
                case "seen": seen = (long)f.Value; break;
            }
        }
        if (sip is null || !Enum.TryParse<NodeState>(state, out var s)) return null; // not one of ours: ignored
        return new NodeRecord(id, sip, s, (int)Math.Clamp(calls, 0, int.MaxValue), DateTimeOffset.FromUnixTimeMilliseconds(seen));
    }
}
