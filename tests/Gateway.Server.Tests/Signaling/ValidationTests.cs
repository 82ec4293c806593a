using System.Net.WebSockets;
using System.Text;

namespace Gateway.Server.Tests.Signaling;

/// <summary>Every kind of bad input gets an error and the connection stays open (protocol.md "Errors").</summary>
public sealed class ValidationTests
{
    public static TheoryData<string, string> Invalid => new()
    {
        { """{"type":"call","id":"c1",""", "malformed JSON" },
        { "[1,2]", "must be a JSON object" },
        { "\"ping\"", "must be a JSON object" },
        { "{}", "missing field 'type'" },
        { """{"type":7}""", "field 'type' must be a string" },
        { """{"type":"teleport"}""", "unknown message type 'teleport'" },
        { """{"type":"call","to":"+1","sdp":"v=0"}""", "call: missing field 'id'" },
        { """{"type":"call","id":"","to":"+1","sdp":"v=0"}""", "field 'id' must be 1 to 64" },
        { $$"""{"type":"call","id":"{{new string('x', 65)}}","to":"+1","sdp":"v=0"}""", "field 'id' must be 1 to 64" },
        { """{"type":"call","id":"c 1","to":"+1","sdp":"v=0"}""", "field 'id' must be 1 to 64" },
        { """{"type":"call","id":7,"to":"+1","sdp":"v=0"}""", "field 'id' must be a string" },
        { """{"type":"call","id":"c1","sdp":"v=0"}""", "call: missing field 'to'" },
        { """{"type":"call","id":"c1","to":"+1 415","sdp":"v=0"}""", "'to' must be a dial string" },
        { """{"type":"call","id":"c1","to":"Bob","sdp":"v=0"}""", "'to' must be a dial string" },
        { """{"type":"call","id":"c1","to":"sip:","sdp":"v=0"}""", "not a valid sip:/sips: URI" },
        { """{"type":"call","id":"c1","to":"sip:a b@c","sdp":"v=0"}""", "not a valid sip:/sips: URI" },
        { """{"type":"call","id":"c1","to":"mailto:+1555","sdp":"v=0"}""", "'to' must be a dial string" },
        { """{"type":"call","id":"c1","to":"+1"}""", "call: missing field 'sdp'" },
        { """{"type":"call","id":"c1","to":"+1","sdp":""}""", "field 'sdp' is empty" },
        { """{"type":"call","id":"c1","to":"+1","sdp":{"x":1}}""", "field 'sdp' must be a string" },
        { $$"""{"type":"answer","id":"s1","sdp":"{{new string('a', 2000)}}"}""", "field 'sdp' exceeds 1024 bytes" },
        { """{"type":"answer","id":"s1"}""", "answer: missing field 'sdp'" },
        { """{"type":"candidate","id":"c1"}""", "candidate: missing field 'candidate'" },
        { """{"type":"candidate","id":"c1","candidate":"","sdpMLineIndex":-1}""", "'sdpMLineIndex' must be an integer" },
        { """{"type":"candidate","id":"c1","candidate":"","sdpMLineIndex":"0"}""", "'sdpMLineIndex' must be an integer" },
        { """{"type":"candidate","id":"c1","candidate":"","sdpMid":0}""", "'sdpMid' must be a string" },
        { """{"type":"reject","id":"s1","code":200}""", "'code' must be an integer in [400, 699]" },
        { """{"type":"reject","id":"s1","code":700}""", "'code' must be an integer in [400, 699]" },
        { """{"type":"reject","id":"s1","code":486.5}""", "'code' must be an integer in [400, 699]" },
        { """{"type":"reject","id":"s1","code":"486"}""", "'code' must be an integer in [400, 699]" },
        { """{"type":"dtmf","id":"c1"}""", "dtmf: missing field 'digits'" },
        { """{"type":"dtmf","id":"c1","digits":""}""", "'digits' must be 1 to 64 of 0-9 * # A-D" },
        { """{"type":"dtmf","id":"c1","digits":"12E"}""", "'digits' must be 1 to 64 of 0-9 * # A-D" },
        { """{"type":"dtmf","id":"c1","digits":"1","duration":39}""", "'duration' must be an integer in [40, 2000]" },
        { """{"type":"dtmf","id":"c1","digits":"1","duration":2001}""", "'duration' must be an integer in [40, 2000]" },
        { """{"type":"hold"}""", "hold: missing field 'id'" },
        { """{"type":"transfer","id":"c1"}""", "transfer: missing field 'to'" },
        { """{"type":"transfer","id":"c1","to":"+1;x"}""", "'to' must be a dial string" },
        { """{"type":"hangup","id":null}""", "hangup: missing field 'id'" },
        { """{"type":"join"}""", "missing field 'room'" },
        { """{"type":"signal","room":"r1","data":{}}""", "missing field 'to'" },
        { """{"type":"signal","room":"r1","to":"p"}""", "missing field 'data'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task InvalidMessage_IsBadRequest_AndTheConnectionStaysOpen(string json, string expected)
    {
        await using var host = await SignalingTestHost.StartAsync(new() { ["Signaling:MaxSdpBytes"] = "1024" });
        await using var client = await host.ConnectAsync();
        await client.SendAsync(json);
        await client.ExpectErrorAsync("bad_request", expected);
        Assert.False(host.Calls.TryNextMessage(out _));
        await client.SendAsync("""{"type":"ping"}""");
        await client.ExpectAsync("pong");
    }

    [Fact]
    public async Task Error_EchoesTheCallId()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.SendAsync("""{"type":"dtmf","id":"c42","digits":"x"}""");
        Assert.Equal("c42", (string?)(await client.ExpectErrorAsync("bad_request"))["id"]);
    }

    [Fact]
    public async Task OversizedFrame_IsRefused_AndTheNextFrameWorks()
    {
        await using var host = await SignalingTestHost.StartAsync(new() { ["Signaling:MaxFrameBytes"] = "2048" });
        await using var client = await host.ConnectAsync();
        var big = $$"""{"type":"call","id":"c1","to":"+1","sdp":"{{new string('a', 100_000)}}"}""";
        await client.SendAsync(big);
        await client.ExpectErrorAsync("bad_request", "frame exceeds 2048 bytes");

        // A message split over several WebSocket frames, over the limit in total, is refused the same way.
        var part = Encoding.UTF8.GetBytes(new string(' ', 1500));
        await client.Socket.SendAsync(part, WebSocketMessageType.Text, false, CancellationToken.None);
        await client.Socket.SendAsync(part, WebSocketMessageType.Text, true, CancellationToken.None);
        await client.ExpectErrorAsync("bad_request", "frame exceeds");

        // Just under the limit is fine.
        var fits = $$"""{"type":"call","id":"c1","to":"+1","sdp":"{{new string('a', 1900)}}"}""";
        await client.SendAsync(fits);
        var (_, message) = await host.Calls.NextMessageAsync();
        Assert.Equal("c1", message.Id);
        await client.SendAsync("""{"type":"ping"}""");
        await client.ExpectAsync("pong");
    }

    [Fact]
    public async Task FragmentedMessage_WithinTheLimit_IsReassembled()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.Socket.SendAsync(Encoding.UTF8.GetBytes("""{"type":"pi"""), WebSocketMessageType.Text, false, CancellationToken.None);
        await client.Socket.SendAsync(Encoding.UTF8.GetBytes("""ng"}"""), WebSocketMessageType.Text, true, CancellationToken.None);
        await client.ExpectAsync("pong");
    }

    [Fact]
    public async Task BinaryFrame_IsRefused()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.SendRawAsync([1, 2, 3], WebSocketMessageType.Binary);
        await client.ExpectErrorAsync("bad_request", "binary");
        await client.SendAsync("""{"type":"ping"}""");
        await client.ExpectAsync("pong");
    }
}
