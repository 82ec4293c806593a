namespace Gateway.Dialplan.Tests;

/// <summary><c>app: conference &lt;room&gt;</c>: a fixed room, a room from the number's regex groups, and what check refuses.</summary>
public sealed class ConferenceRouteTests
{
    [Fact]
    public void A_room_from_a_pattern_takes_the_dialed_group()
    {
        var result = DialplanTestPlans.Load("routes:\n  - name: rooms\n    match: { regex: '^7(\\d{3})$' }\n    app: conference room-$1\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var decision = result.Plan!.Route(new CallRequest(CallSource.Parse("web:alice"), "7123", DateTimeOffset.UtcNow));
        Assert.Equal((RouteActionKind.App, "conference room-123"), (decision.Action!.Value, decision.Target));
    }

    [Fact]
    public void The_default_plan_has_a_conference_test_extension()
    {
        var plan = DialplanLoader.LoadFile(DialplanTestPlans.DefaultPath).Plan!;
        Assert.Equal("conference test", plan.Route(new(CallSource.Parse("alice"), "602", DateTimeOffset.UtcNow)).Target);
    }

    [Theory]
    [InlineData("conference")]
    [InlineData("conference ")]
    [InlineData("conference a b")]
    [InlineData("conference room/1")]
    public void Check_refuses_a_conference_without_one_valid_room_with_its_line(string app)
    {
        var result = DialplanTestPlans.Load($"routes:\n  - name: rooms\n    match: {{ exact: '700' }}\n    app: '{app}'\n");
        var error = Assert.Single(result.Errors, e => e.Message.Contains("conference <room>"));
        Assert.Equal(4, error.Line);
    }
}
