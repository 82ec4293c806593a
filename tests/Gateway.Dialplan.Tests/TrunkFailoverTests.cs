namespace Gateway.Dialplan.Tests;

public sealed class TrunkFailoverTests
{
    private sealed class ScriptedDialer(Func<string, int> answer) : ITrunkDialer
    {
        public List<string> Attempts { get; } = [];
        public Task<TrunkDialResult> DialAsync(TrunkDefinition trunk, RouteDecision decision, CancellationToken ct)
        {
            Attempts.Add(trunk.Name);
            return Task.FromResult(new TrunkDialResult(answer(trunk.Name)));
        }
    }

    private sealed class Prober(bool healthy) : ITrunkProber
    {
        public bool Healthy { get; set; } = healthy;
        public int Probes { get; private set; }
        public Task<bool> ProbeAsync(TrunkDefinition trunk, CancellationToken ct) { Probes++; return Task.FromResult(Healthy); }
    }

    private static readonly CompiledDialplan Plan = DialplanTestPlans.Sample();
    private static RouteDecision National => Plan.Route(new CallRequest(CallSource.Parse("web:alice"), "02079460000", DateTimeOffset.UtcNow));

    [Theory]
    [InlineData(503)]
    [InlineData(408)]
    [InlineData(500)]
    [InlineData(0)] // transport error
    public async Task TrunkFailuresMoveToTheNextTrunk(int failure)
    {
        var dialer = new ScriptedDialer(t => t == "carrier-a" ? failure : 200);
        var failover = new TrunkFailover(new TrunkFailoverOptions(), new Prober(true), new ManualClock());
        var (result, trunk) = await failover.ExecuteAsync(Plan, National, dialer, CancellationToken.None);
        Assert.Equal((200, "carrier-b"), (result.StatusCode, trunk));
        Assert.Equal(["carrier-a", "carrier-b"], dialer.Attempts);
    }

    [Theory]
    [InlineData(486)]
    [InlineData(404)]
    [InlineData(603)]
    public async Task CalleeAnswersEndTheAttempt(int status)
    {
        var dialer = new ScriptedDialer(_ => status);
        var failover = new TrunkFailover(new TrunkFailoverOptions(), new Prober(true), new ManualClock());
        var (result, trunk) = await failover.ExecuteAsync(Plan, National, dialer, CancellationToken.None);
        Assert.Equal((status, "carrier-a"), (result.StatusCode, trunk));
        Assert.Single(dialer.Attempts);
    }

    [Fact]
    public async Task AFailingTrunkIsTakenOutOfRotationThenProbedBeforeItIsTrusted()
    {
        var clock = new ManualClock();
        var prober = new Prober(false);
        var failover = new TrunkFailover(new TrunkFailoverOptions { FailuresToOpen = 3, BreakDuration = TimeSpan.FromSeconds(30) }, prober, clock);
        var aDown = new ScriptedDialer(t => t == "carrier-a" ? 503 : 200);
        for (var i = 0; i < 3; i++) await failover.ExecuteAsync(Plan, National, aDown, CancellationToken.None);
        Assert.Contains(failover.Snapshot(), h => h is { Trunk: "carrier-a", State: "open" });

        // While open, calls skip carrier-a entirely.
        var dialer = new ScriptedDialer(_ => 200);
        await failover.ExecuteAsync(Plan, National, dialer, CancellationToken.None);
        Assert.Equal(["carrier-b"], dialer.Attempts);

        // After the break, a failed probe keeps it out.
        clock.Advance(TimeSpan.FromSeconds(31));
        dialer.Attempts.Clear();
        await failover.ExecuteAsync(Plan, National, dialer, CancellationToken.None);
        Assert.Equal(1, prober.Probes);
        Assert.Equal(["carrier-b"], dialer.Attempts);

        // After the next break, a good probe puts it back.
        clock.Advance(TimeSpan.FromSeconds(31));
        prober.Healthy = true;
        dialer.Attempts.Clear();
        var (_, trunk) = await failover.ExecuteAsync(Plan, National, dialer, CancellationToken.None);
        Assert.Equal("carrier-a", trunk);
        Assert.Contains(failover.Snapshot(), h => h is { Trunk: "carrier-a", State: "closed" });
    }
}
