using System.Net;
using System.Text.Json.Nodes;

namespace Gateway.Server.Tests.Api;

/// <summary>GET /api/v1/openapi.json: an OpenAPI document listing the API's paths and nothing else of the gateway.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task The_document_parses_and_lists_every_api_path()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client();

        using var response = await client.GetAsync("/api/v1/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("3.1", (string?)document["openapi"]);
        Assert.Equal("Gateway operator API", (string?)document["info"]!["title"]);
        var paths = document["paths"]!.AsObject();
        Assert.Equal(
            ["/api/v1/calls", "/api/v1/calls/{id}", "/api/v1/dialplan", "/api/v1/dialplan/reload", "/api/v1/drain",
             "/api/v1/registrations", "/api/v1/stats/calls-per-minute", "/api/v1/trunks"],
            paths.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.NotNull(paths["/api/v1/calls/{id}"]!["get"]);
        Assert.NotNull(paths["/api/v1/calls/{id}"]!["delete"]);
        Assert.NotNull(paths["/api/v1/dialplan/reload"]!["post"]!["requestBody"]);
        var originate = paths["/api/v1/calls"]!["post"]!;
        Assert.Equal("OriginateCall", (string?)originate["operationId"]);
        Assert.NotNull(originate["requestBody"]!["content"]!["application/json"]);
        Assert.NotNull(originate["responses"]!["201"]);
        var schemas = document["components"]!["schemas"]!.AsObject();
        Assert.True(schemas.ContainsKey("CallResource"), string.Join(", ", schemas.Select(s => s.Key)));
        Assert.NotNull(schemas["CallResource"]!["properties"]!["durationSeconds"]);
        Assert.NotNull(schemas["OriginateCallRequest"]!["properties"]!["callbackUrl"]);
        Assert.NotNull(schemas["OriginateCallRequest"]!["properties"]!["app"]);
        Assert.NotNull(schemas["OriginateCallRequest"]!["properties"]!["phone"]);
        Assert.NotNull(schemas["OriginatedCallResource"]!["properties"]!["id"]);
    }
}
