using System.Text.Json.Nodes;
using Gateway.Server.Signaling;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Signaling;

public sealed class ReconnectTests
{
    private static async Task<WebSession> RegisterAsync(SignalingTestHost host, WsTestClient client, string user)
    {
        await client.SendAsync($$"""{"type":"register","user":"{{user}}"}""");
        await client.ExpectAsync("registered");
        return (WebSession)host.Services.GetRequiredService<IWebUserDirectory>().SessionsFor(user).Single(s => s.SessionId == client.SessionId);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 250 && !condition(); i++) await Task.Delay(20);
        Assert.True(condition(), "condition not reached in 5 s");
    }

    [Fact]
    public async Task Reconnect_WithinGrace_ResumesTheSession_AndDeliversBufferedMessages()
    {
        await using var host = await SignalingTestHost.StartAsync();
        var directory = host.Services.GetRequiredService<IWebUserDirectory>();
        await using var first = await host.ConnectAsync();
        var session = await RegisterAsync(host, first, "alice");

        first.Abort();
        await WaitUntilAsync(() => !session.IsAttached);
        for (var i = 0; i < 3; i++) session.Send(new JsonObject { ["type"] = "incoming", ["id"] = "s" + i });
        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(host.Calls.TryNextEnded(out _));

        await using var second = await host.ConnectAsync("session=" + first.SessionId);
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.False((bool)first.Welcome!["resumed"]!);
        Assert.True((bool)second.Welcome!["resumed"]!);
        for (var i = 0; i < 3; i++) Assert.Equal("s" + i, (string?)(await second.ExpectAsync("incoming"))["id"]);
        Assert.Same(session, Assert.Single(directory.SessionsFor("alice")));

        // The grace timer was cancelled by the reconnect.
        host.Time.Advance(TimeSpan.FromMinutes(5));
        await second.SendAsync("""{"type":"ping"}""");
        await second.ExpectAsync("pong");
        Assert.False(host.Calls.TryNextEnded(out _));
    }

    [Fact]
    public async Task GraceExpiry_EndsTheSession()
    {
        await using var host = await SignalingTestHost.StartAsync();
        var directory = host.Services.GetRequiredService<IWebUserDirectory>();
        await using var first = await host.ConnectAsync();
        await using var peer = await host.ConnectAsync();
        var session = await RegisterAsync(host, first, "alice");
        await first.SendAsync("""{"type":"join","room":"r1"}""");
        var me = (string)(await first.ExpectAsync("joined"))["peer"]!;
        await peer.SendAsync("""{"type":"join","room":"r1"}""");
        await peer.ExpectAsync("joined");

        first.Abort();
        await WaitUntilAsync(() => !session.IsAttached);
        host.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Same(session, await host.Calls.NextEndedAsync());
        Assert.Empty(directory.SessionsFor("alice"));
        Assert.Equal(me, (string?)(await peer.ExpectAsync("peer-left"))["peer"]);

        // The old id no longer resumes: a fresh session is given.
        await using var late = await host.ConnectAsync("session=" + first.SessionId);
        Assert.NotEqual(first.SessionId, late.SessionId);
        Assert.False((bool)late.Welcome!["resumed"]!);
    }

    [Fact]
    public async Task Reconnect_WhileStillAttached_ReplacesTheOldSocket()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var first = await host.ConnectAsync();
        var session = await RegisterAsync(host, first, "alice");
        await using var second = await host.ConnectAsync("session=" + first.SessionId);
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.Null(await first.ReceiveAsync()); // closed by the server

        session.Send(new JsonObject { ["type"] = "incoming", ["id"] = "s1" });
        await second.ExpectAsync("incoming");
        await Task.Delay(100);
        Assert.False(host.Calls.TryNextEnded(out _));
        Assert.True(session.IsAttached);
    }

    [Fact]
    public async Task Reconnect_WithAnotherIdentity_IsForbidden()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var first = await host.ConnectAsync("token=" + TestTokens.Make("alice"));
        first.Abort();
        Assert.Equal(403, await WsTestClient.ConnectStatusAsync(host.WsUri($"session={first.SessionId}&token={TestTokens.Make("mallory")}")));
        Assert.Equal(403, await WsTestClient.ConnectStatusAsync(host.WsUri($"session={first.SessionId}"))); // loopback without token
        await using var again = await host.ConnectAsync($"session={first.SessionId}&token={TestTokens.Make("alice")}");
        Assert.Equal(first.SessionId, again.SessionId);
    }

    [Fact]
    public async Task NormalClose_EndsTheSessionAtOnce()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        var session = await RegisterAsync(host, client, "alice");
        await client.CloseAsync();
        Assert.Same(session, await host.Calls.NextEndedAsync());
        Assert.Empty(host.Services.GetRequiredService<IWebUserDirectory>().SessionsFor("alice"));
    }

    [Fact]
    public async Task SendQueue_IsBounded_WhileDetached()
    {
        await using var host = await SignalingTestHost.StartAsync(new() { ["Signaling:SendQueueCapacity"] = "8" });
        await using var first = await host.ConnectAsync();
        var session = await RegisterAsync(host, first, "alice");
        first.Abort();
        await WaitUntilAsync(() => !session.IsAttached);
        for (var i = 0; i < 100; i++) session.Send(new JsonObject { ["type"] = "incoming", ["id"] = "s" + i });

        await using var second = await host.ConnectAsync("session=" + first.SessionId);
        var got = await second.DrainAsync();
        Assert.Equal(8, got.Count);
        Assert.Equal("s0", (string?)got[0]["id"]);
    }

    [Fact]
    public async Task ManyQuickReconnects_LeaveOneLiveSocket()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var first = await host.ConnectAsync();
        var session = await RegisterAsync(host, first, "alice");
        var clients = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => WsTestClient.ConnectAsync(host.WsUri("session=" + first.SessionId))));
        session.Send(new JsonObject { ["type"] = "incoming", ["id"] = "s1" });
        var winners = 0;
        foreach (var c in clients)
        {
            try
            {
                while (await c.ReceiveAsync(TimeSpan.FromSeconds(2)) is { } m)
                    if ((string?)m["type"] == "incoming") { winners++; break; }
            }
            catch (Exception e) when (e is TimeoutException or System.Net.WebSockets.WebSocketException) { }
        }
        Assert.Equal(1, winners);
        Assert.True(session.IsAttached);
        Assert.False(host.Calls.TryNextEnded(out _));
        foreach (var c in clients) await c.DisposeAsync();
    }
}
