namespace Gateway.Server.Cluster;

/// <summary>Connects to Redis and runs the heartbeat with the host; on stop, the node withdraws its records.</summary>
internal sealed class ClusterHost(ClusterMembership membership) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await membership.ConnectAsync();
        await membership.Node.RunAsync(stoppingToken);
        await membership.DisconnectAsync();
    }
}
