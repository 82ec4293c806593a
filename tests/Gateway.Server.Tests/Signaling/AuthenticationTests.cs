namespace Gateway.Server.Tests.Signaling;

public sealed class AuthenticationTests
{
    private static readonly Dictionary<string, string?> TokenRequired = new() { ["Signaling:AllowLoopbackWithoutToken"] = "false" };

    [Fact]
    public async Task ValidToken_InQuery_Connects_AndRegistersOnlyAsSub()
    {
        await using var host = await SignalingTestHost.StartAsync(TokenRequired);
        var token = TestTokens.Make("alice", exp: host.Time.GetUtcNow().AddMinutes(5));
        await using var client = await host.ConnectAsync("token=" + token);

        await client.SendAsync("""{"type":"register","user":"bob"}""");
        await client.ExpectErrorAsync("forbidden", "alice");
        await client.SendAsync("""{"type":"register","user":"alice"}""");
        Assert.Equal("sip:alice@example.test", (string?)(await client.ExpectAsync("registered"))["aor"]);
    }

    [Fact]
    public async Task ValidToken_InAuthorizationHeader_Connects()
    {
        await using var host = await SignalingTestHost.StartAsync(TokenRequired);
        await using var client = await host.ConnectAsync(bearer: TestTokens.Make("carol", nbf: host.Time.GetUtcNow().AddMinutes(-1)));
        await client.SendAsync("""{"type":"register","user":"carol"}""");
        await client.ExpectAsync("registered");
    }

    [Fact]
    public async Task NoToken_WhenRequired_Is401BeforeUpgrade()
    {
        await using var host = await SignalingTestHost.StartAsync(TokenRequired);
        Assert.Equal(401, await WsTestClient.ConnectStatusAsync(host.WsUri()));
    }

    [Fact]
    public async Task BadTokens_Are401_EvenFromLoopback()
    {
        await using var host = await SignalingTestHost.StartAsync(); // loopback without token allowed, but a bad token is still refused
        var now = host.Time.GetUtcNow();
        string[] bad =
        [
            TestTokens.Make("alice", secret: "another-secret-0123456789-abcdefghijk"),
            TestTokens.Make("alice", exp: now.AddMinutes(-5)),
            TestTokens.Make("alice", nbf: now.AddMinutes(5)),
            TestTokens.Make("alice", alg: "none"),
            TestTokens.Make("alice", alg: "HS512"),
            "not-a-jwt",
            "a.b.c",
        ];
        foreach (var token in bad)
        {
            Assert.Equal(401, await WsTestClient.ConnectStatusAsync(host.WsUri("token=" + Uri.EscapeDataString(token))));
            Assert.Equal(401, await WsTestClient.ConnectStatusAsync(host.WsUri(), bearer: token));
        }
    }

    [Fact]
    public async Task ExpiryFollowsTheClock()
    {
        await using var host = await SignalingTestHost.StartAsync(TokenRequired);
        var token = TestTokens.Make("alice", exp: host.Time.GetUtcNow().AddMinutes(2));
        Assert.Equal(101, await WsTestClient.ConnectStatusAsync(host.WsUri("token=" + token)));
        host.Time.Advance(TimeSpan.FromMinutes(3)); // past exp + 30 s skew
        Assert.Equal(401, await WsTestClient.ConnectStatusAsync(host.WsUri("token=" + token)));
    }

    [Fact]
    public async Task Loopback_WithoutToken_MayClaimAnyUser()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.SendAsync("""{"type":"register","user":"dave"}""");
        await client.ExpectAsync("registered");
        await client.SendAsync("""{"type":"register","user":"erin"}""");
        await client.ExpectAsync("registered");
    }
}
