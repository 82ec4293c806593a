using Gateway.Tests.Shared;

namespace Gateway.Cluster.Tests;

public sealed class LogEventIdTests
{
    [Fact]
    public void Every_log_message_of_Gateway_Cluster_has_its_own_event_id() =>
        Assert.Empty(LogEventIds.Duplicates(typeof(ClusterNode).Assembly));
}
