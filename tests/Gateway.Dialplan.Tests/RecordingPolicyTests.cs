namespace Gateway.Dialplan.Tests;

/// <summary><c>record:</c> on trunks and routes: the route's setting wins, else the trunk's, else no recording.</summary>
public sealed class RecordingPolicyTests
{
    private const string Plan = """
        trunks:
          recorded:
            uri: sip:198.51.100.10
            record: true
          plain:
            uri: sip:198.51.100.20
        routes:
          - name: never
            match: { prefix: "+1555" }
            trunk: recorded
            record: false
          - name: always
            match: { prefix: "+1666" }
            trunk: plain
            record: true
          - name: by-trunk
            match: { prefix: "+1" }
            trunk: [recorded, plain]
        """;

    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-12-02T11:00:00Z");

    [Theory]
    [InlineData("+15550100", "recorded", false)]
    [InlineData("+16660100", "plain", true)]
    [InlineData("+14150100", "recorded", true)]
    [InlineData("+14150100", "plain", false)]
    [InlineData("+14150100", null, false)]
    public void Route_setting_wins_over_the_trunks(string to, string? trunk, bool recorded)
    {
        var result = DialplanTestPlans.Load(Plan);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var plan = result.Plan!;
        var decision = plan.Route(new CallRequest(CallSource.Parse("web:alice"), to, At));
        Assert.Equal(recorded, plan.Records(decision.Record, trunk));
    }

    [Fact]
    public void A_record_value_that_is_not_a_boolean_is_an_error_with_its_line()
    {
        var result = DialplanTestPlans.Load(Plan.Replace("record: true\n  plain", "record: yes-please\n  plain"));
        var error = Assert.Single(result.Diagnostics, d => d.Message.Contains("record must be true or false"));
        Assert.Equal(4, error.Line);
    }
}
