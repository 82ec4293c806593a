namespace Gateway.Dialplan.Tests;

/// <summary>
/// Issue #12 item 1: no path to the PSTN the dialplan did not grant. A URI's user part is the number and meets the same
/// guards as bare digits; uri: routes keep to their host unless they opt in with allow_any_host.
/// </summary>
public sealed class TollFraudRoutingTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-24T11:00:00Z");
    private static readonly CompiledDialplan Default = DialplanLoader.LoadFile(DialplanTestPlans.DefaultPath).Plan!;

    private static RouteDecision Route(CompiledDialplan plan, string from, string to) => plan.Route(new CallRequest(CallSource.Parse(from), to, At));

    [Theory]
    [InlineData("+449098790000")]
    [InlineData("sip:+449098790000@127.0.0.1")]
    [InlineData("sip:+449098790000@anyhost.example.com:5060;user=phone")]
    [InlineData("sips:%2B449098790000@anyhost.example.com")]
    [InlineData("sip:+44%20909%20879%200000@anyhost")]
    [InlineData("sip:+44-909-879-0000@anyhost")]
    [InlineData("sip:00449098790000@anyhost")]
    [InlineData("sip:09098790000@anyhost")]
    [InlineData("tel:+44-909-879-0000")]
    [InlineData("tel:+1-900-555-0100")]
    public void PremiumNumber_WrittenAnyWay_IsRefusedByThePremiumGuard(string to)
    {
        foreach (var from in new[] { "web:alice", "trunk:pstn", "trunk:unknown" })
        {
            var decision = Route(Default, from, to);
            Assert.True(decision.IsDenied, $"{from} -> {to}: {decision.Route} {decision.Action}");
            Assert.Equal(403, decision.RejectCode);
            Assert.Contains("premium", decision.Reason);
            Assert.Empty(decision.Trunks);
        }
    }

    [Fact]
    public void SipUriToANumber_GoesToTheTrunkAsThatNumber_NotToItsHost()
    {
        var decision = Route(Default, "web:alice", "sip:02079460000@evil.example.com");
        Assert.Equal(("everything-else", "+442079460000"), (decision.Route, decision.Normalized));
        Assert.Equal(["pstn"], decision.Trunks);
        Assert.Null(decision.Target);
    }

    [Fact]
    public void UriRouteWithADialedHost_IsRefusedByCheck_UnlessAllowAnyHost()
    {
        const string Plan = "routes:\n  - name: anywhere\n    match: { prefix: '' }\n    uri: ${uri}\n";
        var refused = DialplanTestPlans.Load(Plan);
        Assert.False(refused.Succeeded);
        Assert.Contains(refused.Errors, e => e.Message.Contains("allow_any_host"));
        Assert.False(DialplanTestPlans.Load("routes:\n  - name: a\n    match: { regex: '^(.*)$' }\n    uri: sip:x@$1\n").Succeeded);
        Assert.False(DialplanTestPlans.Load("routes:\n  - name: a\n    match: { regex: '^(.*)$' }\n    uri: sip:x@pbx:$1\n").Succeeded);

        var allowed = DialplanTestPlans.Load(Plan.Replace("    uri:", "    allow_any_host: true\n    uri:"));
        Assert.True(allowed.Succeeded, string.Join("; ", allowed.Errors));
        var decision = Route(allowed.Plan!, "web:alice", "sip:bob@partner.example.com");
        Assert.Equal((RouteActionKind.Uri, "sip:bob@partner.example.com"), (decision.Action!.Value, decision.Target));
    }

    [Fact]
    public void UriVariable_MatchesOnlyDialedSipUris()
    {
        var plan = DialplanTestPlans.Load("routes:\n  - name: anywhere\n    match: { prefix: '' }\n    allow_any_host: true\n    uri: ${uri}\n  - name: no\n    match: { prefix: '' }\n    reject: 404\n").Plan!;
        Assert.Equal("no", Route(plan, "web:alice", "+442079460000").Route);
        Assert.Equal("no", Route(plan, "web:alice", "tel:+442079460000").Route);
        Assert.Equal("anywhere", Route(plan, "web:alice", "sip:+442079460000@pbx").Route);
    }

    [Fact]
    public void AllowAnyHost_OnlyOnUriRoutes()
    {
        var result = DialplanTestPlans.Load("trunks:\n  t:\n    uri: sip:127.0.0.1\nroutes:\n  - name: a\n    match: { prefix: '' }\n    allow_any_host: true\n    trunk: [t]\n");
        Assert.Contains(result.Errors, e => e.Message.Contains("applies only to a uri: action"));
    }

    [Theory]
    [InlineData("sip:x%40evil.example.com@h")]
    [InlineData("x@evil.example.com")]
    public void FixedHostTemplate_CannotBeRedirectedByTheNumber(string to)
    {
        var plan = DialplanTestPlans.Load("routes:\n  - name: pbx\n    match: { prefix: '' }\n    uri: sip:$0@pbx.example.com\n").Plan!;
        var decision = Route(plan, "web:alice", to);
        Assert.True(decision.IsDenied, decision.Target);
        Assert.Equal(403, decision.RejectCode);
    }

    [Fact]
    public void FixedHostTemplate_StillRoutesNumbers() =>
        Assert.Equal("sip:2001@pbx.example.com", Route(DialplanTestPlans.Load("routes:\n  - name: pbx\n    match: { prefix: '' }\n    uri: sip:$0@pbx.example.com\n").Plan!, "web:alice", "sip:2001@elsewhere").Target);

    [Fact]
    public void TransferredCall_IsRoutedWithTheTrunksGuards()
    {
        // A route the web user has, a trunk party does not: the REFER's target is routed from trunk:<name>.
        var plan = DialplanTestPlans.Load("trunks:\n  pstn:\n    uri: sip:127.0.0.1\n    inbound_sources: ['127.0.0.1/32']\n" +
            "guards:\n  deny:\n    premium: ['^\\+449']\nroutes:\n  - name: web-out\n    from: web\n    match: { prefix: '+' }\n    allow: [premium]\n    trunk: [pstn]\n").Plan!;
        Assert.False(Route(plan, "web:alice", "sip:+449098790000@x").IsDenied);
        Assert.Equal(404, Route(plan, "trunk:pstn", "sip:+449098790000@x").RejectCode);
    }
}
