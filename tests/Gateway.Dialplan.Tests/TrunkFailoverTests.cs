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
        Assert.Contains(failover.Snapshot(), h => h is { Trunk: "carrier-a", Breaker: TrunkBreakerState.Open });

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
        Assert.Contains(failover.Snapshot(), h => h is { Trunk: "carrier-a", Breaker: TrunkBreakerState.Closed });
    }

    [Fact]
    public async Task The_breaker_opens_on_consecutive_failures_even_at_a_low_call_rate()
    {
        var clock = new ManualClock();
        var failover = new TrunkFailover(new TrunkFailoverOptions { FailuresToOpen = 3 }, new Prober(true), clock);
        var aDown = new ScriptedDialer(t => t == "carrier-a" ? 503 : 200);
        for (var i = 0; i < 3; i++)
        {
            await failover.ExecuteAsync(Plan, National, aDown, CancellationToken.None);
            clock.Advance(TimeSpan.FromMinutes(10)); // one call every ten minutes
        }
        Assert.Contains(failover.Snapshot(), h => h is { Trunk: "carrier-a", Breaker: TrunkBreakerState.Open, Failures: 3 });
    }

    [Fact]
    public async Task A_callee_answer_resets_the_failure_run()
    {
        var failover = new TrunkFailover(new TrunkFailoverOptions { FailuresToOpen = 3 }, new Prober(true), new ManualClock());
        var answers = new Queue<int>([503, 503, 486, 503, 503]);
        var dialer = new ScriptedDialer(t => t == "carrier-a" ? answers.Dequeue() : 200);
        for (var i = 0; i < 5; i++) await failover.ExecuteAsync(Plan, National, dialer, CancellationToken.None);
        Assert.Contains(failover.Snapshot(), h => h is { Trunk: "carrier-a", Breaker: TrunkBreakerState.Closed, Failures: 4 });
    }

    [Fact]
    public async Task A_trunk_the_keep_alive_marks_down_is_skipped_until_it_answers()
    {
        var failover = new TrunkFailover(new TrunkFailoverOptions(), new Prober(true), new ManualClock());
        var changes = new List<TrunkHealth>();
        failover.Changed += changes.Add;
        var a = Plan.Trunks["carrier-a"];
        for (var i = 0; i < a.Liveness.ProbeFailures; i++) failover.ReportProbe(a, alive: false);
        Assert.Equal([false], changes.Select(c => c.Up));

        var dialer = new ScriptedDialer(_ => 200);
        var (_, trunk) = await failover.ExecuteAsync(Plan, National, dialer, CancellationToken.None);
        Assert.Equal("carrier-b", trunk);
        Assert.Equal(["carrier-b"], dialer.Attempts);

        failover.ReportProbe(a, alive: true);
        (_, trunk) = await failover.ExecuteAsync(Plan, National, dialer, CancellationToken.None);
        Assert.Equal("carrier-a", trunk);
        Assert.Equal([false, true], changes.Select(c => c.Up));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(408, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(404, false)]
    [InlineData(480, false)]
    [InlineData(484, false)]
    [InlineData(486, false)]
    [InlineData(487, false)]
    [InlineData(600, false)]
    [InlineData(603, false)]
    [InlineData(200, false)]
    public void The_failover_rule_is_the_documented_one(int status, bool failsOver) =>
        Assert.Equal(failsOver, new TrunkDialResult(status).IsTrunkFailure);
}
