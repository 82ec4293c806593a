using Microsoft.Extensions.Logging;

namespace Gateway.Cluster;

/// <summary>
/// This node in the shared state. Every heartbeat: its record (state, call count, SIP URI), the trunk leases it
/// wants, and every third of the presence TTL each user it holds. When the store is unreachable the node goes on
/// serving its own sessions and calls, logs that once, and when the store is back (restarted empty, say) it logs
/// once more and rewrites all its records at once.
/// </summary>
public sealed partial class ClusterNode(ClusterOptions options, string nodeId, string sipUri, IClusterStore store, UserPresence presence,
    TrunkLeases leases, Func<NodeStatus> status, Func<IEnumerable<string>> localUsers, Func<IReadOnlyCollection<string>> leasedTrunks,
    TimeProvider time, ILogger<ClusterNode> logger)
{
    private DateTimeOffset _lastPresenceRefresh = DateTimeOffset.MinValue;
    private bool _reachable = true;
    private bool _everReached;

    public string NodeId => nodeId;

    /// <summary>False between a failed heartbeat and the next one that succeeds.</summary>
    public bool Reachable => _reachable;

    /// <summary>Heartbeats until cancelled, then withdraws this node (leases, record, presence) as far as the store lets it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await BeatAsync();
            try { await Task.Delay(options.Heartbeat, time, cancellationToken); }
            catch (OperationCanceledException) { break; }
        }
        await LeaveAsync();
    }

    /// <summary>One heartbeat; never throws.</summary>
    public async Task BeatAsync()
    {
        try
        {
            var now = time.GetUtcNow();
            var s = status();
            await store.PublishNodeAsync(new NodeRecord(nodeId, sipUri, s.State, s.Calls, now), options.NodeTtl);
            var restored = !_reachable || !_everReached;
            if (restored || now - _lastPresenceRefresh >= options.PresenceTtl / 3)
            {
                foreach (var user in localUsers()) await presence.RefreshAsync(user);
                _lastPresenceRefresh = now;
            }
            await leases.RenewAsync(leasedTrunks());
            if (!_reachable) Log.Restored(logger, nodeId);
            else if (!_everReached) Log.Joined(logger, nodeId, sipUri);
            _reachable = true;
            _everReached = true;
        }
        catch (Exception e)
        {
            if (_reachable) Log.Unreachable(logger, nodeId, e.Message);
            _reachable = false;
            leases.ExpireUnrenewed();
        }
    }

    private async Task LeaveAsync()
    {
        try
        {
            await leases.ReleaseAllAsync();
            foreach (var user in localUsers()) await presence.ForgetAsync(user);
            await store.RemoveNodeAsync(nodeId);
            Log.Left(logger, nodeId);
        }
        catch (Exception e)
        {
            Log.LeaveFailed(logger, nodeId, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(7500, LogLevel.Information, "Cluster: node {Node} joined as {SipUri}")]
        public static partial void Joined(ILogger logger, string node, string sipUri);

        [LoggerMessage(7501, LogLevel.Warning, "Cluster: the shared store is unreachable ({Reason}); node {Node} serves its own sessions and calls meanwhile")]
        public static partial void Unreachable(ILogger logger, string node, string reason);

        [LoggerMessage(7502, LogLevel.Information, "Cluster: the shared store is reachable again; node {Node} rewrote its records")]
        public static partial void Restored(ILogger logger, string node);

        [LoggerMessage(7503, LogLevel.Information, "Cluster: node {Node} left the cluster")]
        public static partial void Left(ILogger logger, string node);

        [LoggerMessage(7504, LogLevel.Warning, "Cluster: node {Node} could not withdraw its records ({Reason}); they expire by themselves")]
        public static partial void LeaveFailed(ILogger logger, string node, string reason);
    }
}
