using Gateway.Server.Signaling;

namespace Gateway.Server.Tests.Signaling;

public sealed class CallMessageTests
{
    public static TheoryData<string, ClientCallMessage> Valid => new()
    {
        { """{"type":"call","id":"c1","to":"+14155550100","sdp":"v=0\r\n"}""", new PlaceCall("c1", "+14155550100", "v=0\r\n") },
        { """{"type":"call","id":"c2","to":"sip:bob@example.com;transport=tls","sdp":"v=0"}""", new PlaceCall("c2", "sip:bob@example.com;transport=tls", "v=0") },
        { """{"type":"call","id":"c3","to":"*98#","sdp":"v=0"}""", new PlaceCall("c3", "*98#", "v=0") },
        { """{"type":"call","id":"c4","to":"bob.smith","sdp":"v=0"}""", new PlaceCall("c4", "bob.smith", "v=0") },
        { """{"type":"candidate","id":"c1","candidate":"candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host","sdpMid":"0","sdpMLineIndex":0}""",
            new TrickleCandidate("c1", "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "0", 0) },
        { """{"type":"candidate","id":"c1","candidate":""}""", new TrickleCandidate("c1", "", null, null) },
        { """{"type":"candidate","id":"c1","candidate":"","sdpMid":null,"sdpMLineIndex":null}""", new TrickleCandidate("c1", "", null, null) },
        { """{"type":"ringing","id":"s7"}""", new RingingIncoming("s7") },
        { """{"type":"answer","id":"s7","sdp":"v=0 answer"}""", new AnswerIncoming("s7", "v=0 answer") },
        { """{"type":"reject","id":"s7"}""", new RejectIncoming("s7", 486) },
        { """{"type":"reject","id":"s7","code":603}""", new RejectIncoming("s7", 603) },
        { """{"type":"dtmf","id":"c1","digits":"12#*ABCD"}""", new SendDtmf("c1", "12#*ABCD", 100) },
        { """{"type":"dtmf","id":"c1","digits":"9d","duration":40}""", new SendDtmf("c1", "9D", 40) },
        { """{"type":"dtmf","id":"c1","digits":"0","duration":2000}""", new SendDtmf("c1", "0", 2000) },
        { """{"type":"hold","id":"c1"}""", new SetHold("c1", true) },
        { """{"type":"unhold","id":"c1"}""", new SetHold("c1", false) },
        { """{"type":"mute","id":"c1"}""", new SetMute("c1", true) },
        { """{"type":"unmute","id":"c1"}""", new SetMute("c1", false) },
        { """{"type":"transfer","id":"c1","to":"+14155550199"}""", new BlindTransfer("c1", "+14155550199") },
        { """{"type":"transfer","id":"c1","to":"sips:desk@example.com"}""", new BlindTransfer("c1", "sips:desk@example.com") },
        { """{"type":"hangup","id":"c1"}""", new Hangup("c1") },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public async Task CallMessage_ReachesTheController_AsItsRecord(string json, ClientCallMessage expected)
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var client = await host.ConnectAsync();
        await client.SendAsync(json);
        var (session, message) = await host.Calls.NextMessageAsync();
        Assert.Equal(expected, message);
        Assert.Equal(client.SessionId, session.SessionId);
    }

    [Fact]
    public async Task ControllerReplies_GoBackThroughTheSession()
    {
        await using var host = await SignalingTestHost.StartAsync();
        host.Calls.Reply = (s, m) => s.Send(new() { ["type"] = "ringing", ["id"] = m.Id });
        await using var client = await host.ConnectAsync();
        await client.SendAsync("""{"type":"call","id":"c9","to":"100","sdp":"v=0"}""");
        Assert.Equal("c9", (string?)(await client.ExpectAsync("ringing"))["id"]);
    }

    [Fact]
    public async Task ControllerThrowing_AnswersInternal_AndKeepsTheConnection()
    {
        await using var host = await SignalingTestHost.StartAsync();
        host.Calls.Reply = (_, _) => throw new InvalidOperationException("boom");
        await using var client = await host.ConnectAsync();
        await client.SendAsync("""{"type":"hangup","id":"c1"}""");
        Assert.Equal("c1", (string?)(await client.ExpectErrorAsync("internal"))["id"]);
        await client.SendAsync("""{"type":"ping"}""");
        await client.ExpectAsync("pong");
    }
}
