using Gateway.Cluster;
using Gateway.Interop.Tests.Gateway;
using Gateway.Interop.Tests.Sip;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Cluster;

/// <summary>
/// A cluster on loopback: one private Redis, N gateway processes (n1..nN, each with its own SIP, HTTP and media
/// ports, short heartbeats) running Gateway/Scenarios/cluster-test.yaml, and Kamailio with the shipped
/// deploy/kamailio/kamailio.cfg dispatching to them. The test reads the shared state with the gateway's own store.
/// </summary>
internal sealed class ClusterNodes : IAsyncDisposable
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan LeasePeriod = TimeSpan.FromSeconds(3);

    private readonly ITestOutputHelper _output;
    private ConnectionMultiplexer? _redisClient;

    public RedisServer Redis { get; }
    public List<GatewayProcess> Nodes { get; } = [];
    public Kamailio? Kamailio { get; private set; }
    public RedisClusterStore Store { get; }

    private ClusterNodes(ITestOutputHelper output, RedisServer redis)
    {
        _output = output;
        Redis = redis;
        Store = new RedisClusterStore(() => (_redisClient ?? throw new InvalidOperationException("not connected")).GetDatabase(), "gateway:");
    }

    public static bool PeersAvailable(ITestOutputHelper output, bool kamailio = true) =>
        RedisServer.IsAvailable(output) && (!kamailio || Sip.Kamailio.IsAvailable(output));

    public static async Task<ClusterNodes> StartAsync(ITestOutputHelper output, int nodes, bool kamailio, IReadOnlyDictionary<string, string>? extra = null)
    {
        var cluster = new ClusterNodes(output, await RedisServer.StartAsync(output));
        try
        {
            var config = ConfigurationOptions.Parse(cluster.Redis.ConnectionString);
            config.AbortOnConnectFail = false;
            cluster._redisClient = await ConnectionMultiplexer.ConnectAsync(config);
            var registrarPort = $"{Sipp.FreePort()}";
            for (var i = 1; i <= nodes; i++)
                cluster.Nodes.Add(await GatewayProcess.StartAsync(output, "cluster-test.yaml",
                    new Dictionary<string, string> { ["REGISTRAR_PORT"] = registrarPort }, NodeSettings(cluster.Redis, $"n{i}", i, extra)));
            // GatewayProcess gives the SIP port only once started: each node's URI is set from its id by the node itself.
            await cluster.WaitAsync(async () => (await cluster.Store.NodesAsync()).Count == nodes, TimeSpan.FromSeconds(15), "all nodes in Redis");
            if (kamailio)
            {
                var list = Path.Combine(cluster.Redis.Folder, "dispatcher.list");
                File.WriteAllLines(list, cluster.Nodes.Select(n => $"1 sip:127.0.0.1:{n.SipPort}"));
                var cfg = Path.Combine(AppContext.BaseDirectory, "deploy", "kamailio", "kamailio.cfg");
                cluster.Kamailio = await Sip.Kamailio.StartAsync(output, cfg, Sipp.FreePort(), $"DISPATCHER_LIST=\"{list}\"", "DS_PING_INTERVAL=1", "UDP_ONLY");
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Each node its own 1,000 media ports (21000-21999 for n1, ...): a load run holds hundreds of calls per node.</summary>
    private static Dictionary<string, string> NodeSettings(RedisServer redis, string id, int index, IReadOnlyDictionary<string, string>? extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Media:PortMin"] = $"{20000 + index * 1000}",
            ["Media:PortMax"] = $"{20999 + index * 1000}",
            ["Cluster:Redis"] = redis.ConnectionString,
            ["Cluster:NodeId"] = id,
            ["Cluster:Heartbeat"] = Heartbeat.ToString(),
            ["Cluster:PresenceTtl"] = "00:00:05",
            ["Cluster:TrunkLeasePeriod"] = LeasePeriod.ToString(),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) settings[key] = value;
        return settings;
    }

    public GatewayProcess Node(string id) => Nodes[int.Parse(id[1..]) - 1];

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds or <paramref name="timeout"/> passes (then fails with <paramref name="what"/>).</summary>
    public async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (RedisException) { }
            if (DateTime.UtcNow > deadline) Assert.Fail($"not within {timeout}: {what}");
            await Task.Delay(100);
        }
    }

    public async Task<IReadOnlyList<string>> PresenceAsync(string user) => await Store.PresenceAsync(user, DateTimeOffset.UtcNow);

    public async Task<string?> LeaseOwnerAsync(string trunk) =>
        await (_redisClient ?? throw new InvalidOperationException()).GetDatabase().StringGetAsync("gateway:lease:trunk:" + trunk);

    public async ValueTask DisposeAsync()
    {
        if (Kamailio is not null) await Kamailio.DisposeAsync();
        foreach (var node in Nodes) await node.DisposeAsync();
        if (_redisClient is not null) await _redisClient.CloseAsync();
        await Redis.DisposeAsync();
        _output.WriteLine("cluster stopped");
    }
}
