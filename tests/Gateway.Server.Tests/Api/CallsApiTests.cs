using System.Net;
using System.Text.Json.Nodes;
using Gateway.Server.Calls;

namespace Gateway.Server.Tests.Api;

/// <summary>GET/DELETE /api/v1/calls: typed JSON, RFC 9457 problems, the admin filter, the hangup logged with who did it.</summary>
public sealed class CallsApiTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 18, 0, 0, TimeSpan.Zero);

    private static CallSnapshot Call(string id) => new(id, CallDirection.Outbound, "alice", "+14155550100", "out", "pstn", "PCMU/8000",
        CallPhase.Active, Start, Start.AddSeconds(2), TimeSpan.FromSeconds(61.5), new CallMediaSnapshot(1000, 1010, 10, 10 / 1010.0, 3.25));

    [Fact]
    public async Task Calls_are_listed_and_fetched_as_camel_case_json()
    {
        await using var api = await ApiTestHost.StartAsync();
        api.Calls.Add(Call("k1-ab"));
        using var client = api.Client();

        var list = JsonNode.Parse(await client.GetStringAsync("/api/v1/calls"))!.AsArray();
        var call = Assert.Single(list)!;
        Assert.Equal("k1-ab", (string?)call["id"]);
        Assert.Equal("outbound", (string?)call["direction"]);
        Assert.Equal("active", (string?)call["state"]);
        Assert.Equal("pstn", (string?)call["trunk"]);
        Assert.Equal("out", (string?)call["route"]);
        Assert.Equal("PCMU/8000", (string?)call["codec"]);
        Assert.Equal(61.5, (double?)call["durationSeconds"]);
        Assert.Equal(3.25, (double?)call["media"]!["jitterMs"]);
        Assert.Equal(10, (long?)call["media"]!["packetsLost"]);
        Assert.Equal(Start, (DateTimeOffset?)call["startedAt"]);

        using var one = await client.GetAsync("/api/v1/calls/k1-ab");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal("application/json; charset=utf-8", one.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task An_unknown_call_is_a_404_problem()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        using var response = await client.GetAsync("/api/v1/calls/nope");
        using var delete = await client.DeleteAsync("/api/v1/calls/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(404, (int?)problem["status"]);
        Assert.Contains("nope", (string?)problem["detail"]);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
    }

    [Fact]
    public async Task Delete_hangs_up_and_logs_the_token_fingerprint_not_the_token()
    {
        await using var api = await ApiTestHost.StartAsync();
        api.Calls.Add(Call("k7-xy"));
        using var client = api.Client();

        using var response = await client.DeleteAsync("/api/v1/calls/k7-xy");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(["k7-xy"], api.Calls.HungUp);
        var line = Assert.Single(api.Host.Logs.Entries, e => e.Message.Contains("hung up by")).Message;
        Assert.Contains("k7-xy", line);
        Assert.Matches("token sha256:[0-9a-f]{8} from 127\\.0\\.0\\.1", line);
        Assert.DoesNotContain(ApiTestHost.Token, line);
    }

    [Fact]
    public async Task Loopback_callers_are_named_by_address()
    {
        await using var api = await ApiTestHost.StartAsync(allowLoopback: true);
        api.Calls.Add(Call("k8-xy"));
        using var client = api.Client(token: null);

        using var response = await client.DeleteAsync("/api/v1/calls/k8-xy");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains(api.Host.Logs.Entries, e => e.Message.Contains("hung up by client 127.0.0.1"));
    }

    [Fact]
    public async Task A_valid_client_token_is_not_an_admin_token()
    {
        // Operator tokens (Admin:Tokens) and the browsers' client JWTs (Signaling:JwtSecret) are separate: a token the
        // signaling accepts as alice's is refused by the operator API like any other wrong bearer.
        var clientToken = Gateway.Server.Tests.Signaling.TestTokens.Make("alice", exp: DateTimeOffset.UtcNow.AddHours(1));
        var validator = new Gateway.Server.Signaling.ClientTokenValidator(
            new Gateway.Server.Signaling.SignalingOptions { JwtSecret = Gateway.Server.Tests.Signaling.TestTokens.Secret }, TimeProvider.System, keys: null);
        Assert.True((await validator.ValidateAsync(clientToken)).IsValid);
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client(clientToken);

        foreach (var path in new[] { "/api/v1/calls", "/api/v1/registrations", "/metrics" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using var originate = await client.PostAsync("/api/v1/calls", new StringContent("""{"to":"1","user":"a"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, originate.StatusCode);
        Assert.Empty(api.Originator.Requests);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-token-0123456789abcdefgh", HttpStatusCode.Forbidden)]
    public async Task Without_the_admin_token_the_api_answers_a_problem(string? token, HttpStatusCode expected)
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client(token);

        foreach (var path in new[] { "/api/v1/calls", "/api/v1/trunks", "/api/v1/openapi.json" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(expected, response.StatusCode);
            if (path.EndsWith("calls")) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        using var delete = await client.DeleteAsync("/api/v1/calls/k1");
        Assert.Equal(expected, delete.StatusCode);
    }
}
