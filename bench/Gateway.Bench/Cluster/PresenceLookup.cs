using System.Diagnostics;
using Gateway.Cluster;
using StackExchange.Redis;

namespace Gateway.Bench.Cluster;

/// <summary>
/// What the cluster adds to an inbound call's post-dial delay: the presence lookup a node makes for every INVITE to a
/// user (<see cref="UserPresence.LocateAsync"/>: the user's entries, then the record of each node listed), against a
/// real Redis. <c>-- presence-lookup &lt;redis&gt; [lookups]</c>; the user is listed on two nodes, as in the tests.
/// </summary>
internal static class PresenceLookup
{
    public static void Run(string[] args)
    {
        var lookups = args.Length > 2 && int.TryParse(args[2], out var n) ? n : 5000;
        using var redis = ConnectionMultiplexer.Connect(args.Length > 1 ? args[1] : "127.0.0.1:6379");
        var store = new RedisClusterStore(() => redis.GetDatabase(), "bench:" + Guid.NewGuid().ToString("N")[..8] + ":");
        foreach (var node in new[] { "n1", "n2" })
        {
            store.PublishNodeAsync(new NodeRecord(node, "sip:127.0.0.1:5070", NodeState.Active, 0, DateTimeOffset.UtcNow), TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
            store.SetPresenceAsync("alice", node, DateTimeOffset.UtcNow.AddMinutes(5)).GetAwaiter().GetResult();
        }
        var presence = new UserPresence(store, "n1", TimeSpan.FromMinutes(1), TimeProvider.System);
        for (var i = 0; i < 200; i++) presence.LocateAsync("alice").GetAwaiter().GetResult(); // warm-up
        var times = new double[lookups];
        for (var i = 0; i < lookups; i++)
        {
            var start = Stopwatch.GetTimestamp();
            presence.LocateAsync("alice").GetAwaiter().GetResult();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        Console.WriteLine($"RESULT presence_lookups={lookups} p50_ms={times[lookups / 2]:F3} p99_ms={times[lookups * 99 / 100]:F3} max_ms={times[^1]:F3}");
    }
}
