using System.Text.Json.Nodes;

namespace Gateway.Server.Tests.Signaling;

/// <summary>
/// End to end: the gateway fetches keys from a real identity provider on loopback; RS256 and ES256 tokens open /ws as
/// their sub, bad ones are refused with HTTP 401 before the upgrade (protocol.md "Transport").
/// </summary>
public sealed class JwksEndpointTests(TestSigningKeys keys) : IClassFixture<TestSigningKeys>
{
    private static Dictionary<string, string?> Settings(string key, string value) => new()
    {
        ["Signaling:AllowLoopbackWithoutToken"] = "false",
        ["Signaling:JwtSecret"] = "",
        [key] = value,
        ["Signaling:Audience"] = TestSigningKeys.Audience,
    };

    [Fact]
    public async Task JwksUrl_Rs256AndEs256_Connect_AsTheirSub()
    {
        await using var idp = await LocalIdentityProvider.StartAsync(keys);
        var settings = Settings("Signaling:JwksUrl", idp.JwksUrl);
        settings["Signaling:Issuer"] = TestSigningKeys.Issuer;
        await using var host = await SignalingTestHost.StartAsync(settings);
        var now = host.Time.GetUtcNow();

        await using (var alice = await host.ConnectAsync("token=" + keys.Rs256(TestSigningKeys.Claims("alice", now))))
        {
            await alice.SendAsync("""{"type":"register","user":"bob"}""");
            await alice.ExpectErrorAsync("forbidden", "alice");
            await alice.SendAsync("""{"type":"register","user":"alice"}""");
            await alice.ExpectAsync("registered");
        }
        await using (var bob = await host.ConnectAsync(bearer: keys.Es256(TestSigningKeys.Claims("bob", now))))
        {
            await bob.SendAsync("""{"type":"register","user":"bob"}""");
            await bob.ExpectAsync("registered");
        }
        Assert.Equal(1, idp.Requests); // one fetch, then the cache

        string[] refused =
        [
            keys.Rs256(TestSigningKeys.Claims("alice", now, aud: "another-app")),
            keys.Es256(TestSigningKeys.Claims("alice", now, iss: "https://evil.example.test/")),
            keys.Es256(TestSigningKeys.Claims("alice", now, expiresIn: TimeSpan.FromMinutes(-5))),
            TestSigningKeys.Unsigned(TestSigningKeys.Claims("alice", now)),
            TestTokens.Make("alice"),
        ];
        foreach (var token in refused)
            Assert.Equal(401, await WsTestClient.ConnectStatusAsync(host.WsUri("token=" + token)));
        Assert.Equal(401, await WsTestClient.ConnectStatusAsync(host.WsUri()));
    }

    [Fact]
    public async Task Authority_Discovery_GivesKeysAndIssuer_ForWsAndIceServers()
    {
        await using var idp = await LocalIdentityProvider.StartAsync(keys);
        await using var host = await SignalingTestHost.StartAsync(Settings("Signaling:Authority", idp.Issuer));
        var now = host.Time.GetUtcNow();

        var token = keys.Es256(TestSigningKeys.Claims("carol", now, iss: idp.Issuer));
        Assert.Equal(101, await WsTestClient.ConnectStatusAsync(host.WsUri("token=" + token)));
        Assert.Equal(401, await WsTestClient.ConnectStatusAsync(host.WsUri("token=" + keys.Es256(TestSigningKeys.Claims("carol", now)))));

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.BaseUri, "/api/ice-servers"));
        request.Headers.Authorization = new("Bearer", keys.Rs256(TestSigningKeys.Claims("carol", now, iss: idp.Issuer)));
        using var response = await http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())?["iceServers"]);
        Assert.Equal(401, (int)(await http.GetAsync(new Uri(host.BaseUri, "/api/ice-servers"))).StatusCode);
    }
}
