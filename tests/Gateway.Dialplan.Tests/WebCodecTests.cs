namespace Gateway.Dialplan.Tests;

public sealed class WebCodecTests
{
    private const string Plan = "trunks:\n  pstn:\n    uri: sip:127.0.0.1:5080\n    web_codec: opus\n  pbx:\n    uri: sip:127.0.0.1:5090\n" +
        "routes:\n  - name: relay\n    match: { exact: '1' }\n    trunk: [pstn]\n    web_codec: passthrough\n" +
        "  - name: plain\n    match: { prefix: '' }\n    trunk: [pbx]\n";

    [Fact]
    public void Trunks_default_to_passthrough_and_a_route_may_override()
    {
        var result = DialplanTestPlans.Load(Plan);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var plan = result.Plan!;
        Assert.Equal(WebCodecMode.Opus, plan.Trunks["pstn"].WebCodec);
        Assert.Equal(WebCodecMode.Passthrough, plan.Trunks["pbx"].WebCodec);
    }

    [Fact]
    public void A_route_decision_carries_the_routes_web_codec()
    {
        var plan = DialplanTestPlans.Load(Plan).Plan!;
        Assert.Equal(WebCodecMode.Passthrough, plan.Route(new CallRequest(CallSource.Parse("web:alice"), "1", DateTimeOffset.UtcNow)).WebCodec);
        Assert.Null(plan.Route(new CallRequest(CallSource.Parse("web:alice"), "2", DateTimeOffset.UtcNow)).WebCodec);
    }

    [Fact]
    public void An_unknown_web_codec_is_an_error()
    {
        var result = DialplanTestPlans.Load("trunks:\n  pstn:\n    uri: sip:x\n    web_codec: speex\nroutes: []\n");
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Contains("web_codec must be opus or passthrough", error.Message);
        Assert.Equal((4, 16), (error.Line, error.Column));
    }
}
