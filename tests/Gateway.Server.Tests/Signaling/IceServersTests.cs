using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Server.Tests.Signaling;

public sealed class IceServersTests
{
    private const string TurnSecret = "coturn-static-auth-secret";

    private static readonly Dictionary<string, string?> Turn = new()
    {
        ["Turn:Secret"] = TurnSecret,
        ["Turn:Urls:0"] = "turn:turn.example.test:3478?transport=udp",
        ["Turn:Urls:1"] = "turns:turn.example.test:5349",
        ["Turn:Ttl"] = "01:00:00",
    };

    private static void AssertTurnCredential(JsonObject turn, DateTimeOffset now, string user)
    {
        var username = (string)turn["username"]!;
        var parts = username.Split(':');
        Assert.Equal(2, parts.Length);
        Assert.Equal(now.AddHours(1).ToUnixTimeSeconds(), long.Parse(parts[0]));
        Assert.Equal(user, parts[1]);
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(TurnSecret), Encoding.UTF8.GetBytes(username)));
        Assert.Equal(expected, (string?)turn["credential"]);
        Assert.Equal(["turn:turn.example.test:3478?transport=udp", "turns:turn.example.test:5349"],
            turn["urls"]!.AsArray().Select(u => (string)u!));
    }

    [Fact]
    public async Task Api_ServesStunAndTurn_WithRestCredentials()
    {
        await using var host = await SignalingTestHost.StartAsync(Turn);
        using var http = new HttpClient { BaseAddress = host.BaseUri };
        var body = JsonNode.Parse(await http.GetStringAsync("/api/ice-servers?user=alice"))!.AsObject();
        var list = body["iceServers"]!.AsArray();
        Assert.Equal(2, list.Count);
        Assert.Equal("stun:stun.example.test:3478", (string?)list[0]!["urls"]![0]);
        Assert.Null(list[0]!["username"]);
        AssertTurnCredential(list[1]!.AsObject(), host.Time.GetUtcNow(), "alice");
    }

    [Fact]
    public async Task Welcome_CarriesTheSameList_ForTheTokenUser()
    {
        await using var host = await SignalingTestHost.StartAsync(Turn);
        await using var client = await host.ConnectAsync("token=" + TestTokens.Make("bob"));
        var list = client.Welcome!["iceServers"]!.AsArray();
        Assert.Equal(2, list.Count);
        AssertTurnCredential(list[1]!.AsObject(), host.Time.GetUtcNow(), "bob");
    }

    [Fact]
    public async Task WithoutTurnSecret_OnlyStun()
    {
        await using var host = await SignalingTestHost.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseUri };
        var list = JsonNode.Parse(await http.GetStringAsync("/api/ice-servers"))!["iceServers"]!.AsArray();
        Assert.Single(list);
    }

    [Fact]
    public async Task Api_RequiresAuthentication_LikeWs()
    {
        await using var host = await SignalingTestHost.StartAsync(new(Turn) { ["Signaling:AllowLoopbackWithoutToken"] = "false" });
        using var http = new HttpClient { BaseAddress = host.BaseUri };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/ice-servers")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/ice-servers?token=x.y.z")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ice-servers");
        request.Headers.Authorization = new("Bearer", TestTokens.Make("carol"));
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["iceServers"]!.AsArray();
        AssertTurnCredential(list[1]!.AsObject(), host.Time.GetUtcNow(), "carol");
    }
}
