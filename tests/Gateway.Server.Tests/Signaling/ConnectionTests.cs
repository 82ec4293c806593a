using System.Net;

namespace Gateway.Server.Tests.Signaling;

public sealed class ConnectionTests
{
    [Fact]
    public async Task Welcome_IsTheFirstFrame_WithSessionAndIceServers()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var client = await host.ConnectAsync();

        Assert.False(string.IsNullOrEmpty(client.SessionId));
        var ice = client.Welcome!["iceServers"]!.AsArray();
        var stun = Assert.Single(ice)!.AsObject();
        Assert.Equal("stun:stun.example.test:3478", (string?)stun["urls"]![0]);
    }

    [Fact]
    public async Task EachConnection_GetsItsOwnSession()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var a = await host.ConnectAsync();
        await using var b = await host.ConnectAsync();
        Assert.NotEqual(a.SessionId, b.SessionId);
    }

    [Fact]
    public async Task Ping_IsAnsweredPong()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.SendAsync("""{"type":"ping"}""");
        await client.ExpectAsync("pong");
        await client.SendAsync("""{"type":"ping","extra":1}""");
        await client.ExpectAsync("pong");
    }

    [Fact]
    public async Task PlainHttpGet_OnWs_Is400()
    {
        await using var host = await SignalingTestHost.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseUri };
        var response = await http.GetAsync("/ws");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task WithoutFakeController_CallsAnswerUnavailable()
    {
        await using var host = await SignalingTestHost.StartAsync(registerFakeController: false);
        await using var client = await host.ConnectAsync();
        await client.SendAsync("""{"type":"call","id":"c1","to":"+14155550100","sdp":"v=0"}""");
        var error = await client.ExpectErrorAsync("unavailable");
        Assert.Equal("c1", (string?)error["id"]);
    }

    [Fact]
    public async Task InvalidOptions_FailAtStartup()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => SignalingTestHost.StartAsync(new() { ["Signaling:RoomCapacity"] = "0" }));
        Assert.Contains("RoomCapacity", e.Message);
        e = await Assert.ThrowsAnyAsync<Exception>(() => SignalingTestHost.StartAsync(new() { ["Signaling:JwtSecret"] = "short" }));
        Assert.Contains("JwtSecret", e.Message);
        e = await Assert.ThrowsAnyAsync<Exception>(() => SignalingTestHost.StartAsync(new() { ["Signaling:JwksUrl"] = "http://idp.example.test/jwks" }));
        Assert.Contains("JwksUrl", e.Message);
        e = await Assert.ThrowsAnyAsync<Exception>(() => SignalingTestHost.StartAsync(new() { ["Turn:Urls:0"] = "http://x" }));
        Assert.Contains("Turn:Urls", e.Message);
    }
}
