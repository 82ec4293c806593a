namespace Gateway.Dialplan.Tests;

public sealed class CallLimitsTests
{
    private static readonly CompiledDialplan Plan = DialplanTestPlans.Sample();

    [Fact]
    public void PerUserLimitHoldsUntilACallEnds()
    {
        var limits = new CallLimits();
        var first = limits.TryAcquireUser(Plan, "alice");
        var second = limits.TryAcquireUser(Plan, "alice");
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(limits.TryAcquireUser(Plan, "alice")); // per_user_calls: 2
        Assert.NotNull(limits.TryAcquireUser(Plan, "bob"));
        first!.Dispose();
        first.Dispose(); // a second dispose releases nothing more
        Assert.Equal(1, limits.Active("user:alice"));
        Assert.NotNull(limits.TryAcquireUser(Plan, "alice"));
    }

    [Fact]
    public void TrunkChannelsAreBoundedByMaxChannels()
    {
        var limits = new CallLimits();
        var leases = Enumerable.Range(0, 30).Select(_ => limits.TryAcquireTrunk(Plan, "carrier-a")).ToList();
        Assert.All(leases, Assert.NotNull);
        Assert.Null(limits.TryAcquireTrunk(Plan, "carrier-a")); // max_channels: 30
        Assert.NotNull(limits.TryAcquireTrunk(Plan, "carrier-b")); // no limit set
    }
}
