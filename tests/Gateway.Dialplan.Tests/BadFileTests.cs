namespace Gateway.Dialplan.Tests;

public sealed class BadFileTests
{
    private const string Trunk = "trunks:\n  pstn:\n    uri: sip:127.0.0.1:5080\n";

    [Theory]
    [InlineData(Trunk + "routes:\n  - name: a\n    match: { prefix: '' }\n    trunk: [pstn]\n    colour: blue\n", 8, 5, "unknown key 'colour'")]
    [InlineData(Trunk + "routes:\n  - name: a\n    match: { regex: '([' }\n    trunk: [pstn]\n", 6, 21, "invalid regular expression")]
    [InlineData(Trunk + "routes:\n  - name: a\n    match: { prefix: '' }\n    trunk: [nowhere]\n", 7, 12, "unknown trunk 'nowhere'")]
    [InlineData(Trunk + "routes:\n  - name: a\n    match: { exact: '1' }\n    trunk: [pstn]\n  - name: a\n    match: { exact: '2' }\n    trunk: [pstn]\n", 8, 11, "duplicate route name 'a'")]
    [InlineData("trunks:\n  pstn:\n    uri: sip:x\n    max_channels: lots\nroutes: []\n", 4, 19, "max_channels must be a whole number")]
    [InlineData("trunks:\n  pstn:\n    uri: sip:x\n    password: ${NOT_SET_ANYWHERE}\nroutes: []\n", 4, 15, "NOT_SET_ANYWHERE is not set")]
    [InlineData("trunks:\n  pstn:\n    transport: udp\nroutes: []\n", 3, 5, "needs uri")]
    [InlineData("trunks:\n  pstn:\n    uri: sip:x\n    inbound_sources: [10.0.0.0/33]\nroutes: []\n", 4, 22, "not an address range")]
    [InlineData(Trunk + "routes:\n  - name: a\n    match: { exact: '1' }\n", 5, 5, "exactly one action")]
    [InlineData(Trunk + "routes:\n  - name: a\n    match: { exact: '1' }\n    time: { zone: Mars/Olympus }\n    trunk: [pstn]\n", 7, 19, "unknown time zone")]
    [InlineData(Trunk + "routes:\n  - name: a\n    match: { exact: '1' }\n    trunk: [pstn]\n    allow: [premium]\n", 8, 12, "not a class under guards.deny")]
    [InlineData("trunks:\n  pstn:\n    uri: sip:x\n    invite_timeout: soon\nroutes: []\n", 4, 21, "invite_timeout must be a number of seconds")]
    [InlineData("trunks:\n  pstn:\n    uri: sip:x\n    invite_timeout: 0\nroutes: []\n", 4, 21, "invite_timeout must be a number of seconds from 0.1 to 60")]
    [InlineData("trunks:\n  pstn:\n    uri: sip:x\n    probe: sometimes\nroutes: []\n", 4, 12, "probe must be true or false")]
    [InlineData("trunks:\n  pstn:\n    uri: sip:x\n    probe_interval: 0.5\nroutes: []\n", 4, 21, "probe_interval must be a number of seconds from 1")]
    [InlineData("trunks:\n  pstn:\n    uri: sip:x\n    probe_failures: 0\nroutes: []\n", 4, 21, "probe_failures must be a whole number from 1 to 100")]
    [InlineData("routes: [\n", 2, 1, "not valid YAML")]
    [InlineData("- just\n- a list\n", 1, 1, "must be a mapping")]
    public void ErrorsNameFileLineColumnAndWhatToDo(string yaml, int line, int column, string message)
    {
        var result = DialplanTestPlans.Load(yaml);
        Assert.False(result.Succeeded);
        var error = result.Errors.FirstOrDefault(e => e.Message.Contains(message));
        Assert.True(error is not null, $"no error containing '{message}' in:\n{string.Join("\n", result.Diagnostics)}");
        Assert.Equal(("test.yaml", line, column), (error!.File, error.Line, error.Column));
        Assert.StartsWith($"test.yaml:{line}:{column}: error: ", error.ToString());
    }

    [Fact]
    public void RouteAfterACatchAllIsAWarning()
    {
        var result = DialplanTestPlans.Load(Trunk + "routes:\n  - name: all\n    match: { prefix: '' }\n    trunk: [pstn]\n  - name: never\n    match: { exact: '1' }\n    trunk: [pstn]\n");
        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("unreachable", warning.Message);
        Assert.Equal(8, warning.Line);
    }

    [Fact]
    public void MissingFileIsAnErrorNotAnException()
    {
        var result = DialplanLoader.LoadFile("/nonexistent/plan.yaml");
        Assert.False(result.Succeeded);
        Assert.Contains("cannot read", result.Errors.Single().Message);
    }

    [Fact]
    public void Liveness_keys_are_read_and_default_by_address()
    {
        var result = DialplanTestPlans.Load("trunks:\n  fixed:\n    uri: sip:192.0.2.1\n  named:\n    uri: sip:carrier.example.com\n" +
            "  tuned:\n    uri: sip:carrier.example.com:5070\n    invite_timeout: 1.5\n    probe: false\n    probe_interval: 5\n    probe_failures: 2\nroutes: []\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var trunks = result.Plan!.Trunks;
        Assert.Equal(new TrunkLiveness(TimeSpan.FromSeconds(5), true, TimeSpan.FromSeconds(30), 3), trunks["fixed"].Liveness);
        Assert.False(trunks["named"].Liveness.Probe); // a DNS name without a port: SRV may give several hops
        Assert.Equal(new TrunkLiveness(TimeSpan.FromSeconds(1.5), false, TimeSpan.FromSeconds(5), 2), trunks["tuned"].Liveness);
    }
}
