using System.Net;
using System.Text.Json.Nodes;
using Gateway.Server.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Api;

/// <summary>GET /api/v1/trunks, /registrations, /stats/calls-per-minute.</summary>
public sealed class StatusApiTests
{
    [Fact]
    public async Task Trunks_of_the_active_plan_are_listed_with_their_health()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        var trunks = JsonNode.Parse(await client.GetStringAsync("/api/v1/trunks"))!.AsArray();

        Assert.Equal(["backup", "pstn"], trunks.Select(t => (string)t!["name"]!));
        var pstn = trunks[1]!;
        Assert.Equal("sip:127.0.0.1:5080", (string?)pstn["uri"]);
        Assert.True((bool?)pstn["up"]);
        Assert.Equal("closed", (string?)pstn["breaker"]);
        Assert.Equal(api.Dialplan.Current.Trunks["pstn"].Liveness.Probe, (bool?)pstn["probed"]);
        Assert.Null(pstn["registration"]);
    }

    [Fact]
    public void A_registering_trunk_shows_its_registration_state_and_the_others_null()
    {
        var plan = Gateway.Dialplan.DialplanLoader.Load(
            "trunks:\n  a:\n    uri: sip:127.0.0.1:5080\n  b:\n    uri: sip:127.0.0.1:5082\nroutes: []\n", "t.yaml", _ => null).Plan!;

        var trunks = Gateway.Server.Api.TrunkResource.From(plan, [],
            [new Gateway.Server.Trunks.TrunkRegistrationStatus("a", Gateway.Sip.Registration.RegistrationState.Registered)]);

        Assert.Equal([("a", "registered"), ("b", null)], trunks.Select(t => (t.Name, t.Registration)));
    }

    [Fact]
    public async Task Registrations_are_an_empty_list_until_a_registrar_exists()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        Assert.Equal("[]", await client.GetStringAsync("/api/v1/registrations"));
    }

    [Fact]
    public async Task Calls_per_minute_has_sixty_buckets_ending_with_the_current_minute()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();
        var metrics = api.Host.App.Services.GetRequiredService<GatewayMetrics>();
        metrics.CallStarted();
        metrics.CallStarted();

        var body = JsonNode.Parse(await client.GetStringAsync("/api/v1/stats/calls-per-minute"))!;

        var counts = body["counts"]!.AsArray().Select(n => (long)n!).ToArray();
        Assert.Equal(60, counts.Length);
        Assert.Equal(2, counts[^1] + counts[^2]); // the minute may have turned between the calls and the request
        Assert.Equal(2, counts.Sum());
    }
}

/// <summary>POST /api/v1/drain: 202 with the drain's state, logged with who asked.</summary>
public sealed class DrainApiTests
{
    [Fact]
    public async Task Drain_is_accepted_and_logged_with_the_caller()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        using var response = await client.PostAsync("/api/v1/drain", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True((bool?)body["draining"]);
        Assert.True((bool?)body["started"]);
        Assert.Equal(0, (double?)body["timeoutSeconds"]);
        Assert.Contains(api.Host.Logs.Entries, e => e.Message.Contains("drain requested by token sha256:"));
    }
}
