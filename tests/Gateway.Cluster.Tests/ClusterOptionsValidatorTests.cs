namespace Gateway.Cluster.Tests;

public sealed class ClusterOptionsValidatorTests
{
    private static string? Error(ClusterOptions o) => new ClusterOptionsValidator().Validate(null, o).FailureMessage;

    [Fact]
    public void Defaults_are_valid_and_the_cluster_is_off_without_redis()
    {
        Assert.Null(Error(new ClusterOptions()));
        Assert.False(new ClusterOptions().Enabled);
        Assert.True(new ClusterOptions { Redis = "127.0.0.1:6379" }.Enabled);
    }

    [Theory]
    [InlineData("Heartbeat", "Cluster:Heartbeat")]
    [InlineData("PresenceTtl", "Cluster:PresenceTtl")]
    [InlineData("Lease", "Cluster:TrunkLeasePeriod")]
    [InlineData("NodeId", "Cluster:NodeId")]
    [InlineData("SipUri", "Cluster:SipUri")]
    [InlineData("Prefix", "Cluster:KeyPrefix")]
    public void Each_bad_value_is_named(string what, string key)
    {
        var o = new ClusterOptions();
        switch (what)
        {
            case "Heartbeat": o.Heartbeat = TimeSpan.Zero; break;
            case "PresenceTtl": o.PresenceTtl = TimeSpan.FromSeconds(1); break;
            case "Lease": o.TrunkLeasePeriod = TimeSpan.FromSeconds(1); break;
            case "NodeId": o.NodeId = "node one"; break;
            case "SipUri": o.SipUri = "http://x"; break;
            case "Prefix": o.KeyPrefix = ""; break;
        }
        Assert.Contains(key, Error(o));
    }
}
