namespace Gateway.Dialplan.Tests;

/// <summary>Trunk and route keys prack, from_user, from_host, identity, privacy, user_phone, redirect, trust_identity, each checked on its line.</summary>
public sealed class CallerIdentityTests
{
    private static DialplanLoader.Result Load(string trunk, string route = "") =>
        DialplanLoader.Load("trunks:\n  carrier:\n    uri: sip:192.0.2.1\n" + trunk
            + "routes:\n  - name: out\n    match: {prefix: '+'}\n    trunk: carrier\n" + route, "plan.yaml", _ => null);

    [Theory]
    [InlineData("", TrunkPrackMode.Supported)]
    [InlineData("    prack: off\n", TrunkPrackMode.Off)]
    [InlineData("    prack: supported\n", TrunkPrackMode.Supported)]
    [InlineData("    prack: required\n", TrunkPrackMode.Required)]
    public void Prack_is_read_with_supported_by_default(string line, TrunkPrackMode mode)
    {
        var result = Load(line);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(mode, result.Plan!.Trunks["carrier"].Prack);
    }

    [Fact]
    public void Trunk_identity_keys_are_read()
    {
        var result = Load("    from_user: '4420799900'\n    from_host: sip.carrier.example\n    identity: pai\n    privacy: none\n    user_phone: true\n"
            + "    redirect: history-info\n    trust_identity: false\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var trunk = result.Plan!.Trunks["carrier"];
        Assert.Equal(new CallerIdentity("4420799900", "sip.carrier.example", IdentityHeaderKind.Asserted, false, true), trunk.Identity);
        Assert.Equal(RedirectHeaderKind.HistoryInfo, trunk.Redirect);
        Assert.False(trunk.TrustIdentity);
    }

    [Fact]
    public void Defaults_send_no_identity_header_and_trust_the_trunk()
    {
        var trunk = Load("").Plan!.Trunks["carrier"];
        Assert.Equal(CallerIdentity.None, trunk.Identity);
        Assert.Equal(RedirectHeaderKind.None, trunk.Redirect);
        Assert.True(trunk.TrustIdentity);
    }

    [Fact]
    public void A_route_overrides_its_trunk_key_by_key()
    {
        var result = Load("    identity: pai\n    from_host: carrier.example\n", "    caller_id: '+441632960001'\n    privacy: id\n    identity: ppi\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var decision = result.Plan!.Route(new CallRequest(CallSource.Parse("web:alice"), "+14155550100", DateTimeOffset.UtcNow));
        var merged = decision.Identity.Over(result.Plan.Trunks["carrier"].Identity);
        Assert.Equal(new CallerIdentity(null, "carrier.example", IdentityHeaderKind.Preferred, true, null), merged);
        Assert.Equal("+441632960001", decision.CallerId);
    }

    [Theory]
    [InlineData("    prack: always\n", 4, "prack must be off, supported or required")]
    [InlineData("    identity: asserted\n", 4, "identity must be none, pai or ppi")]
    [InlineData("    privacy: user\n", 4, "privacy must be id or none")]
    [InlineData("    redirect: 302\n", 4, "redirect must be none, diversion or history-info")]
    [InlineData("    from_user: 'a b'\n", 4, "from_user 'a b' must be a SIP user part")]
    [InlineData("    from_host: 'bad host!'\n", 4, "from_host 'bad host!' must be a host name")]
    [InlineData("    user_phone: maybe\n", 4, "user_phone")]
    [InlineData("    trust_identity: sometimes\n", 4, "trust_identity")]
    public void A_bad_trunk_value_is_an_error_on_its_line(string line, int at, string message)
    {
        var result = Load(line);
        var error = Assert.Single(result.Errors);
        Assert.Equal(at, error.Line);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("    identity: x\n", 8, "route 'out' identity must be none, pai or ppi")]
    [InlineData("    from_host: '-'\n", 8, "route 'out' from_host")]
    [InlineData("    from_user: alice\n", 8, "from_user")]
    public void A_bad_route_value_is_an_error_on_its_line(string line, int at, string message)
    {
        var result = Load("", line);
        var error = Assert.Single(result.Errors);
        Assert.Equal(at, error.Line);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Withholding_without_an_identity_header_is_a_warning()
    {
        var result = Load("    identity: none\n    privacy: id\n");
        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, 5), (warning.Severity, warning.Line));
    }
}
