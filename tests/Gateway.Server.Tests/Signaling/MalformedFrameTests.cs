using System.Net.WebSockets;
using System.Text;
using Gateway.Server.Signaling;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Signaling;

/// <summary>
/// Frames that once crashed a session (issue #12 item 3): each malformed text frame gets one error and the connection
/// and its registration stay; a WebSocket protocol violation (invalid UTF-8, RFC 6455 §8.1) ends the session cleanly.
/// </summary>
public sealed class MalformedFrameTests
{
    public static TheoryData<string, string> MalformedFrames => new()
    {
        { """{"type":"ping","type":"register","user":"mallory"}""", "duplicate type" },
        { """{"type":"register","user":"alice","user":"bob"}""", "duplicate user" },
        { """{"type":"call","id":"c1","id":"c2","to":"+1","sdp":"v=0"}""", "duplicate id" },
        { """{"type":"signal","room":"r","to":"p","data":{"a":1,"a":2}}""", "duplicate nested key" },
        { new string('[', 64) + new string(']', 64), "deep array" },
        { string.Concat(Enumerable.Repeat("""{"a":""", 40)) + "1" + new string('}', 40), "deep object" },
        { """{"type":"ping"} {"type":"ping"}""", "two objects" },
        { """{"type":"candidate","id":"c1","candidate":7}""", "wrong field type" },
        { """{"type":"\uD800"}""", "lone surrogate type" },
    };

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public async Task MalformedFrame_IsOneError_AndTheSessionStaysRegistered(string frame, string what)
    {
        await using var host = await SignalingTestHost.StartAsync();
        var directory = host.Services.GetRequiredService<IWebUserDirectory>();
        await using var client = await host.ConnectAsync();
        await client.SendAsync("""{"type":"register","user":"alice"}""");
        await client.ExpectAsync("registered");

        await client.SendAsync(frame);
        var error = await client.ExpectAsync("error");
        Assert.True((string?)error["code"] == SignalingErrorCodes.BadRequest, what);

        // The connection is still served and the registration is untouched (no mallory, still alice).
        await client.SendAsync("""{"type":"ping"}""");
        await client.ExpectAsync("pong");
        Assert.Equal(client.SessionId, Assert.Single(directory.SessionsFor("alice")).SessionId);
        Assert.Empty(directory.SessionsFor("mallory"));
        Assert.Empty(directory.SessionsFor("bob"));
    }

    [Fact]
    public async Task InvalidUtf8TextFrame_EndsTheSession_AndFreesItsRegistration()
    {
        await using var host = await SignalingTestHost.StartAsync();
        var directory = host.Services.GetRequiredService<IWebUserDirectory>();
        var sessions = host.Services.GetRequiredService<SessionManager>();
        await using var client = await host.ConnectAsync();
        await client.SendAsync("""{"type":"register","user":"alice"}""");
        await client.ExpectAsync("registered");

        await client.SendRawAsync([(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'], WebSocketMessageType.Text);

        // Either the WebSocket layer fails the connection (1007, or a TCP reset: RFC 6455 §7.1.7 lets it drop the
        // connection without the close handshake) and the session ends, or the dispatcher answers an error (it stays).
        System.Text.Json.Nodes.JsonObject? reply;
        try { reply = await client.ReceiveAsync(); }
        catch (WebSocketException) { reply = null; }
        if (reply is null)
        {
            // The close frame can overtake the server's end of the session by a moment: bounded wait for that condition.
            Assert.True(SpinWait.SpinUntil(() => sessions.Count == 0 && directory.SessionsFor("alice").Count == 0, TimeSpan.FromSeconds(5)));
            Assert.True(sessions.TryGet(client.SessionId, out _) is false, "a session closed with 1007 must end, not wait for a reconnect");
            Assert.Empty(directory.SessionsFor("alice"));
            Assert.Equal(0, sessions.Count);
        }
        else
        {
            Assert.Equal("error", (string?)reply["type"]);
            Assert.Single(directory.SessionsFor("alice"));
        }
    }

    [Fact]
    public async Task ManyMalformedFrames_NeverEndTheSession()
    {
        await using var host = await SignalingTestHost.StartAsync();
        var sessions = host.Services.GetRequiredService<SessionManager>();
        await using var client = await host.ConnectAsync();
        for (var i = 0; i < 50; i++) await client.SendAsync("""{"type":"ping","type":"ping"}""");
        for (var i = 0; i < 50; i++) await client.ExpectErrorAsync(SignalingErrorCodes.BadRequest, "malformed JSON");
        await client.SendAsync("""{"type":"ping"}""");
        await client.ExpectAsync("pong");
        Assert.Equal(1, sessions.Count);
    }
}
