using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Server.Tests.Api;

/// <summary>GET /api/v1/dialplan and POST /api/v1/dialplan/reload: the CLI's check, errors as problems with file:line.</summary>
public sealed class DialplanApiTests
{
    private const string Broken = "routes:\n  - name: out\n    match: { prefix: '' }\n    trunk: [nowhere]\n";

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_valid_file_is_reloaded_and_reported()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();
        await File.WriteAllTextAsync(api.DialplanPath, ApiTestHost.ValidPlan + "  - name: extra\n    match: { exact: '601' }\n    app: echo\n");

        using var response = await client.PostAsync("/api/v1/dialplan/reload", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True((bool?)body["ok"]);
        Assert.True((bool?)body["applied"]);
        Assert.Equal(3, (int?)body["routes"]);
        Assert.Equal(3, api.Dialplan.Current.RouteCount);
        Assert.Contains(api.Host.Logs.Entries, e => e.Message.Contains("reloaded by token sha256:"));
    }

    [Fact]
    public async Task A_file_with_errors_is_a_422_problem_with_file_and_line_and_the_old_plan_stays()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();
        await File.WriteAllTextAsync(api.DialplanPath, Broken);

        using var response = await client.PostAsync("/api/v1/dialplan/reload", null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Dialplan has errors", (string?)problem["title"]);
        var error = (string)problem["errors"]!.AsArray()[0]!;
        Assert.Matches(@"dialplan\.yaml:4:\d+: error: .*nowhere", error);
        var diagnostic = problem["diagnostics"]!.AsArray()[0]!;
        Assert.Equal(4, (int?)diagnostic["line"]);
        Assert.Equal("error", (string?)diagnostic["severity"]);
        Assert.Equal(2, api.Dialplan.Current.RouteCount);
        Assert.Contains(api.Host.Logs.Entries, e => e.Message.Contains("reload by token sha256:") && e.Message.Contains("refused"));

        // GET shows the same check without changing anything.
        using var check = await client.GetAsync("/api/v1/dialplan");
        var checkBody = JsonNode.Parse(await check.Content.ReadAsStringAsync())!;
        Assert.False((bool?)checkBody["ok"]);
        Assert.False((bool?)checkBody["applied"]);
        Assert.Contains("nowhere", (string?)checkBody["diagnostics"]![0]!["text"]);
    }

    [Fact]
    public async Task Dry_run_checks_without_applying()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();
        await File.WriteAllTextAsync(api.DialplanPath, ApiTestHost.ValidPlan + "  - name: extra\n    match: { exact: '601' }\n    app: echo\n");

        using var response = await client.PostAsync("/api/v1/dialplan/reload", Json("{\"dryRun\": true}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False((bool?)body["applied"]);
        Assert.Equal(3, (int?)body["routes"]);
        Assert.Equal(2, api.Dialplan.Current.RouteCount);
    }

    [Theory]
    [InlineData("{\"dryRun\": tru")]
    [InlineData("{\"dryRun\": \"yes\"}")]
    [InlineData("[1,2]")]
    public async Task Bad_json_is_a_400_problem_that_says_so(string body)
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        using var response = await client.PostAsync("/api/v1/dialplan/reload", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("The request body is not valid JSON", (string?)problem["detail"]);
        Assert.Equal(2, api.Dialplan.Current.RouteCount);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_and_a_large_one_413()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        using var text = await client.PostAsync("/api/v1/dialplan/reload", new StringContent("dryRun=true", Encoding.UTF8, "text/plain"));
        using var large = await client.PostAsync("/api/v1/dialplan/reload", Json("{\"dryRun\": true" + new string(' ', 5000) + "}"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
    }
}
