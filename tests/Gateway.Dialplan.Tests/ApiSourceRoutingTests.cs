namespace Gateway.Dialplan.Tests;

/// <summary>Calls originated through POST /api/v1/calls are the source <c>api</c>: only <c>from: api</c> or <c>any</c> routes take them.</summary>
public sealed class ApiSourceRoutingTests
{
    private const string Plan =
        "trunks:\n  pstn:\n    uri: sip:127.0.0.1\n  api:\n    uri: sip:127.0.0.2\n" +
        "guards:\n  deny:\n    premium: ['^\\+449']\n" +
        "routes:\n" +
        "  - name: web-only\n    from: web\n    match: { prefix: '+1' }\n    trunk: [pstn]\n" +
        "  - name: api-uk\n    from: api\n    match: { prefix: '+44' }\n    caller_id: '+441632960999'\n    trunk: [api]\n" +
        "  - name: api-rest\n    from: api\n    match: { prefix: '' }\n    reject: 403\n";

    private static RouteDecision Route(CompiledDialplan plan, string source, string to) =>
        plan.Route(new CallRequest(CallSource.Parse(source), to, DateTimeOffset.UnixEpoch));

    [Fact]
    public void An_api_call_takes_only_the_routes_from_api()
    {
        var result = DialplanTestPlans.Load(Plan);
        Assert.Empty(result.Errors);
        var plan = result.Plan!;
        var uk = Route(plan, "api", "+441632960000");
        Assert.Equal(("api-uk", "api", "+441632960999"), (uk.Route, uk.Trunks.Single(), uk.CallerId));
        Assert.Equal(("api-rest", 403), (Route(plan, "api", "+14155550100").Route, Route(plan, "api", "+14155550100").RejectCode));
        Assert.Equal("web-only", Route(plan, "web:alice", "+14155550100").Route);
        Assert.Equal(404, Route(plan, "web:alice", "+441632960000").RejectCode); // web users do not get the api routes
    }

    [Fact]
    public void The_guards_apply_to_api_calls()
    {
        var plan = DialplanTestPlans.Load(Plan).Plan!;
        Assert.Equal(403, Route(plan, "api", "+449098790000").RejectCode);
        Assert.Contains("premium", Route(plan, "api", "+449098790000").Reason);
    }

    [Fact]
    public void Any_takes_api_calls_and_a_bad_from_names_api_among_the_choices()
    {
        var plan = DialplanTestPlans.Load("trunks:\n  pstn:\n    uri: sip:127.0.0.1\nroutes:\n  - name: all\n    match: { prefix: '' }\n    trunk: [pstn]\n").Plan!;
        Assert.Equal("all", Route(plan, "api", "+441632960000").Route);
        var bad = DialplanTestPlans.Load("routes:\n  - name: x\n    from: apis\n    match: { prefix: '' }\n    reject: 403\n");
        Assert.Contains(bad.Errors, e => e.Message.Contains("must be any, web, api, user:<name> or trunk:<name>") && e.Line == 3);
    }
}
