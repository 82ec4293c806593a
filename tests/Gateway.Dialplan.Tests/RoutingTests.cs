namespace Gateway.Dialplan.Tests;

public sealed class RoutingTests
{
    private static readonly CompiledDialplan Plan = DialplanTestPlans.Sample();
    private static readonly DateTimeOffset Weekday = DateTimeOffset.Parse("2026-11-24T11:00:00Z"); // Tuesday, 11:00 London

    private static RouteDecision Route(string from, string to, DateTimeOffset? at = null) =>
        Plan.Route(new CallRequest(CallSource.Parse(from), to, at ?? Weekday));

    [Theory]
    [InlineData("web:alice", "112", "emergency", "112")]
    [InlineData("web:alice", "999", "emergency", "999")]
    [InlineData("trunk:office-pbx", "911", "emergency", "911")]
    [InlineData("web:alice", "600", "echo", "600")]
    [InlineData("web:alice", "2001", "extensions", "2001")]
    [InlineData("web:alice", "bob", "web-users", "bob")]
    [InlineData("web:alice", "02079460000", "national", "+442079460000")]
    [InlineData("web:alice", "00442079460000", "national", "+442079460000")]
    [InlineData("trunk:office-pbx", "+442079460000", "inbound-from-pbx", "+442079460000")]
    [InlineData("web:ceo", "0033123456789", "vip-international", "+33123456789")]
    public void RoutesAndNormalizedNumbers(string from, string to, string route, string normalized)
    {
        var decision = Route(from, to);
        Assert.False(decision.IsDenied, decision.Reason);
        Assert.Equal(route, decision.Route);
        Assert.Equal(normalized, decision.Normalized);
    }

    [Fact]
    public void EmergencyFailsOverInOrder() => Assert.Equal(["carrier-a", "carrier-b"], Route("web:alice", "112").Trunks);

    [Fact]
    public void CapturedGroupsFillTheUri() => Assert.Equal("sip:2001@pbx.example.com", Route("web:alice", "2001").Target);

    [Fact]
    public void WebUserRouteTargetsTheUser()
    {
        var d = Route("web:alice", "bob");
        Assert.Equal((RouteActionKind.User, "bob"), (d.Action!.Value, d.Target));
    }

    [Fact]
    public void CallerIdIsRewritten() => Assert.Equal("+441632960001", Route("web:alice", "02079460000").CallerId);

    [Theory]
    [InlineData("web:alice", "09098790000", "premium")]
    [InlineData("web:alice", "+19005550100", "premium")]
    [InlineData("web:alice", "0033123456789", "international")]
    public void DeniedClassesNeedAnExplicitAllow(string from, string to, string deniedClass)
    {
        var d = Route(from, to);
        Assert.True(d.IsDenied);
        Assert.Equal(403, d.RejectCode);
        Assert.Contains(deniedClass, d.Reason);
    }

    [Fact]
    public void UnknownNumbersAreRejectedByTheCatchAll() => Assert.Equal(404, Route("web:alice", "#31#").RejectCode);

    [Theory]
    // Europe/London leaves BST on Sunday 2026-10-25: 08:30 UTC on Friday 23rd is 09:30 BST (open);
    // 08:30 UTC on Monday 26th is 08:30 GMT (closed).
    [InlineData("2026-10-23T08:30:00Z", "support-hours")]
    [InlineData("2026-10-26T08:30:00Z", "support-closed")]
    [InlineData("2026-10-26T09:30:00Z", "support-hours")]
    // It enters BST on Sunday 2026-03-29: 16:30 UTC on Monday 30th is 17:30 BST (closed), on Friday 27th 16:30 GMT (open).
    [InlineData("2026-03-27T16:30:00Z", "support-hours")]
    [InlineData("2026-03-30T16:30:00Z", "support-closed")]
    [InlineData("2026-11-28T12:00:00Z", "support-closed")] // Saturday
    public void TimeWindowsFollowTheZoneAcrossDstChanges(string at, string route) =>
        Assert.Equal(route, Route("web:alice", "02079460100", DateTimeOffset.Parse(at)).Route);

    [Fact]
    public void TrunkCredentialsComeFromTheEnvironment()
    {
        var trunk = Plan.Trunks["carrier-a"];
        Assert.Equal(("gw", "s3cret", "tls", true), (trunk.Username, trunk.Password, trunk.Transport, trunk.Register));
    }

    [Fact]
    public void TheDefaultPlanValidatesAndRoutesTheTestExtensions()
    {
        var result = DialplanLoader.LoadFile(DialplanTestPlans.DefaultPath);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        var plan = result.Plan!;
        var at = DateTimeOffset.UtcNow;
        Assert.Equal((RouteActionKind.App, "echo"), (plan.Route(new(CallSource.Parse("alice"), "600", at)).Action!.Value, plan.Route(new(CallSource.Parse("alice"), "600", at)).Target));
        Assert.Equal("playback prompts/welcome.wav", plan.Route(new(CallSource.Parse("alice"), "601", at)).Target);
        Assert.Equal("bob", plan.Route(new(CallSource.Parse("alice"), "bob", at)).Target);
        Assert.Equal(["pstn"], plan.Route(new(CallSource.Parse("alice"), "+14155550100", at)).Trunks);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(DialplanTestPlans.DefaultPath)!, "prompts", "welcome.wav")));
    }

    [Fact]
    public void ARegexThatTimesOutRefusesTheCallWith500InsteadOfThrowing()
    {
        // (a+)+$ backtracks exponentially on a run of a's followed by a non-match: the 1 s ReDoS guard fires.
        var result = DialplanTestPlans.Load("routes:\n  - name: evil\n    match: { regex: '^(a+)+$' }\n    app: echo\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var decision = result.Plan!.Route(new CallRequest(CallSource.Parse("web:alice"), new string('a', 40) + "!", DateTimeOffset.UtcNow));
        Assert.True(decision.IsDenied);
        Assert.Equal(500, decision.RejectCode);
        Assert.Contains("timed out", decision.Reason);
    }
}
