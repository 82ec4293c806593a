using Gateway.Server.Signaling;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Signaling;

public sealed class PresenceTests
{
    [Fact]
    public async Task Register_AnswersRegisteredWithAor_AndFillsTheDirectory()
    {
        await using var host = await SignalingTestHost.StartAsync();
        var directory = host.Services.GetRequiredService<IWebUserDirectory>();
        await using var client = await host.ConnectAsync();

        await client.SendAsync("""{"type":"register","user":"alice"}""");
        var registered = await client.ExpectAsync("registered");
        Assert.Equal("alice", (string?)registered["user"]);
        Assert.Equal("sip:alice@example.test", (string?)registered["aor"]);
        var session = Assert.Single(directory.SessionsFor("alice"));
        Assert.Equal(client.SessionId, session.SessionId);
        Assert.Equal("alice", session.RegisteredUser);
        Assert.Empty(directory.SessionsFor("bob"));
    }

    [Fact]
    public async Task TwoConnections_SameUser_BothRing()
    {
        await using var host = await SignalingTestHost.StartAsync();
        var directory = host.Services.GetRequiredService<IWebUserDirectory>();
        await using var a = await host.ConnectAsync();
        await using var b = await host.ConnectAsync();
        await a.SendAsync("""{"type":"register","user":"alice"}""");
        await a.ExpectAsync("registered");
        await b.SendAsync("""{"type":"register","user":"alice"}""");
        await b.ExpectAsync("registered");

        var sessions = directory.SessionsFor("alice");
        Assert.Equal(2, sessions.Count);
        Assert.Equal(new[] { a.SessionId, b.SessionId }.Order(), sessions.Select(s => s.SessionId).Order());

        // A message sent to each forked session arrives on its own socket only.
        foreach (var s in sessions) s.Send(new() { ["type"] = "incoming", ["id"] = "s7", ["to"] = s.SessionId });
        Assert.Equal(a.SessionId, (string?)(await a.ExpectAsync("incoming"))["to"]);
        Assert.Equal(b.SessionId, (string?)(await b.ExpectAsync("incoming"))["to"]);
    }

    [Fact]
    public async Task Unregister_RemovesOnlyThatSession()
    {
        await using var host = await SignalingTestHost.StartAsync();
        var directory = host.Services.GetRequiredService<IWebUserDirectory>();
        await using var a = await host.ConnectAsync();
        await using var b = await host.ConnectAsync();
        foreach (var c in new[] { a, b })
        {
            await c.SendAsync("""{"type":"register","user":"alice"}""");
            await c.ExpectAsync("registered");
        }
        await a.SendAsync("""{"type":"unregister"}""");
        await a.ExpectAsync("unregistered");
        Assert.Equal(b.SessionId, Assert.Single(directory.SessionsFor("alice")).SessionId);
        await b.SendAsync("""{"type":"unregister"}""");
        await b.ExpectAsync("unregistered");
        Assert.Empty(directory.SessionsFor("alice"));
        await b.SendAsync("""{"type":"unregister"}""");
        await b.ExpectAsync("unregistered"); // idempotent
    }

    [Fact]
    public async Task Reregister_AsAnotherUser_MovesTheRegistration()
    {
        await using var host = await SignalingTestHost.StartAsync();
        var directory = host.Services.GetRequiredService<IWebUserDirectory>();
        await using var a = await host.ConnectAsync();
        await a.SendAsync("""{"type":"register","user":"alice"}""");
        await a.ExpectAsync("registered");
        await a.SendAsync("""{"type":"register","user":"bob"}""");
        await a.ExpectAsync("registered");
        Assert.Empty(directory.SessionsFor("alice"));
        Assert.Single(directory.SessionsFor("bob"));
    }

    [Theory]
    [InlineData("""{"type":"register"}""", "missing field 'user'")]
    [InlineData("""{"type":"register","user":5}""", "must be a string")]
    [InlineData("""{"type":"register","user":"Alice"}""", "[a-z][a-z0-9._-]*")]
    [InlineData("""{"type":"register","user":"9lives"}""", "[a-z][a-z0-9._-]*")]
    [InlineData("""{"type":"register","user":"a b"}""", "[a-z][a-z0-9._-]*")]
    public async Task InvalidRegister_IsBadRequest(string json, string expected)
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.SendAsync(json);
        await client.ExpectErrorAsync("bad_request", expected);
        Assert.Empty(host.Services.GetRequiredService<IWebUserDirectory>().SessionsFor("alice"));
    }
}
