using Gateway.Cluster;
using Gateway.Server.Calls;
using Gateway.Server.Hosting;
using Gateway.Server.Signaling;
using StackExchange.Redis;
using ClusterNode = Gateway.Cluster.ClusterNode;

namespace Gateway.Server.Cluster;

/// <summary>
/// This node's part in the cluster (<c>Cluster:Redis</c> set): its id and SIP URI, the Redis store, user presence,
/// trunk leases and the heartbeat. Built without I/O; <see cref="ClusterHost"/> connects to Redis when the host starts.
/// </summary>
internal sealed class ClusterMembership
{
    private IConnectionMultiplexer? _redis;

    public ClusterMembership(ClusterOptions options, GatewaySipOptions sip, DrainState drain, CallRegistry calls, WebUserDirectory webUsers,
        Func<IEnumerable<string>> registeredUsers, Func<IReadOnlyCollection<string>> registeringTrunks, TimeProvider time, ILoggerFactory loggers)
    {
        Options = options;
        NodeId = options.NodeId is { Length: > 0 } id ? id : $"{Environment.MachineName}-{sip.UdpPort}";
        SipUri = options.SipUri is { Length: > 0 } uri ? uri : $"sip:{AdvertisedHost(sip)}:{sip.UdpPort}";
        Store = new RedisClusterStore(() => (_redis ?? throw new InvalidOperationException("not connected to Redis yet")).GetDatabase(), options.KeyPrefix);
        Presence = new UserPresence(Store, NodeId, options.PresenceTtl, time);
        Leases = new TrunkLeases(Store, NodeId, options.TrunkLeasePeriod, time);
        Node = new ClusterNode(options, NodeId, SipUri, Store, Presence, Leases,
            () => new NodeStatus(drain.IsDraining ? NodeState.Draining : NodeState.Active, calls.Count),
            () => webUsers.Users.Concat(registeredUsers()).Distinct(StringComparer.Ordinal), registeringTrunks, time, loggers.CreateLogger<ClusterNode>());
        webUsers.PresenceChanged += (user, held) => { if (held) Presence.Held(user); else if (!registeredUsers().Contains(user)) Presence.Released(user); };
    }

    public ClusterOptions Options { get; }
    public string NodeId { get; }
    public string SipUri { get; }
    public IClusterStore Store { get; }
    public UserPresence Presence { get; }
    public TrunkLeases Leases { get; }
    public ClusterNode Node { get; }

    /// <summary>Connects (without failing when Redis is down: StackExchange.Redis keeps retrying in the background).</summary>
    public async Task ConnectAsync()
    {
        var config = ConfigurationOptions.Parse(Options.Redis!);
        config.AbortOnConnectFail = false;
        config.ClientName = "gateway-" + NodeId;
        _redis = await ConnectionMultiplexer.ConnectAsync(config);
    }

    public async Task DisconnectAsync()
    {
        if (_redis is { } redis) await redis.CloseAsync();
    }

    private static string AdvertisedHost(GatewaySipOptions sip) =>
        sip.PublicAddress is { Length: > 0 } p ? p : sip.ListenAddress is "0.0.0.0" or "::" or "" ? "127.0.0.1" : sip.ListenAddress;
}
