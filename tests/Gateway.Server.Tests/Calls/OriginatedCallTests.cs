using System.Collections.Concurrent;
using Gateway.Server.Calls;
using Gateway.Sip.Messages;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Server.Tests.Calls;

/// <summary>POST /api/v1/calls's call layer: the number first (source api, the gateway's own offer), then the web user.</summary>
public sealed class OriginatedCallTests
{
    private const string ChromeAnswer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0 101\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=mid:0\r\na=ice-ufrag:brws\r\na=ice-pwd:browserbrowserbrowser12\r\n" +
        "a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC\r\n" +
        "a=setup:active\r\na=rtcp-mux\r\na=sendrecv\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

    private sealed class Steps : ICallProgressSink
    {
        public ConcurrentQueue<CallProgress> All { get; } = new();
        public void Report(CallProgress progress) => All.Enqueue(progress);

        public async Task<CallProgress> WaitForAsync(OriginateProgress step)
        {
            var deadline = Environment.TickCount64 + 5000;
            while (true)
            {
                if (All.FirstOrDefault(p => p.Event == step) is { } found) return found;
                if (Environment.TickCount64 > deadline) throw new TimeoutException($"no {step}; got {string.Join(", ", All.Select(p => p.Event))}");
                await Task.Delay(10);
            }
        }
    }

    private static (CallOriginator Originator, CallDirectory Directory) Originator(CallHarness gw)
    {
        var directory = new CallDirectory(gw.Registry);
        return (new CallOriginator(gw.Services, directory, NullLogger<CallOriginator>.Instance), directory);
    }

    [Fact]
    public async Task The_number_answers_then_the_web_user_is_rung_and_bridged_then_the_operator_hangs_up()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "codecs: [PCMU, PCMA]")]);
        var (originator, directory) = Originator(gw);
        var agent = new FakeWebSession("w1", "agent");
        gw.Users.Register("agent", agent);
        var steps = new Steps();

        var result = originator.Originate(new OriginateRequest("+441632960000", "agent"), "test", _ => steps);
        Assert.True(result.IsStarted, result.Detail);
        Assert.Equal(("+441632960000", "out"), (result.Number, result.Route));

        var invite = await peer.WaitForAsync(SipMethods.Invite);
        var offer = System.Text.Encoding.ASCII.GetString(invite.Body.Span);
        Assert.Contains("m=audio 5", offer); // the gateway's own SIP offer: its RTP port, the trunk's codecs, telephone-event
        Assert.Contains("RTP/AVP 0 8 101", offer);
        Assert.StartsWith("sip:+441632960000@127.0.0.1", invite.RequestUri.ToString());
        Assert.Contains("sip:api@", invite.GetHeader("From"));

        var incoming = await agent.WaitForAsync("incoming");
        Assert.Equal("+441632960000", (string)incoming["from"]!);
        Assert.Contains("a=ice-lite", (string)incoming["sdp"]!);
        Assert.Contains("a=rtpmap:0 PCMU/8000", (string)incoming["sdp"]!); // the peer's answer is the browser's offer
        var id = (string)incoming["id"]!;
        await steps.WaitForAsync(OriginateProgress.Answered);
        Assert.Equal(CallPhase.Offering, directory.Find(result.Id!)!.State);

        gw.Controller.OnMessage(agent, new Gateway.Server.Signaling.AnswerIncoming(id, ChromeAnswer));
        await steps.WaitForAsync(OriginateProgress.Bridged);
        var media = gw.Media.Last;
        Assert.Contains(media.Calls, c => c == "web brws True");
        Assert.Equal(6000, media.SipRemote!.Port); // SipTestPeer's answer
        var call = directory.Find(result.Id!)!;
        Assert.Equal((CallDirection.Originated, CallPhase.Active, "PCMU/8000", "pstn"), (call.Direction, call.State, call.Codec, call.Trunk));

        Assert.True(directory.HangUp(result.Id!, "token sha256:0badf00d from 127.0.0.1"));
        var bye = await peer.WaitForAsync(SipMethods.Bye);
        Assert.Equal("SIP ;cause=200 ;text=\"Terminated by operator\"", bye.GetHeader("Reason"));
        var hangup = await agent.WaitForAsync("hangup", id);
        Assert.Equal("Terminated by operator", (string?)hangup["reason"]);
        var ended = await steps.WaitForAsync(OriginateProgress.Ended);
        Assert.Equal((200, "answered"), (ended.Code, ended.Outcome));
        await gw.WaitForNoCallsAsync();
        var cdr = Assert.Single(gw.Cdr.Records);
        Assert.Equal(("originated", "+441632960000", "agent", "token sha256:0badf00d from 127.0.0.1"), (cdr.Direction, cdr.From, cdr.To, cdr.EndedBy));
        Assert.Equal([OriginateProgress.Ringing, OriginateProgress.Answered, OriginateProgress.Bridged, OriginateProgress.Ended], steps.All.Select(p => p.Event));
    }

    [Fact]
    public async Task The_web_user_declines_and_the_answered_number_gets_a_bye_with_the_reason()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var (originator, _) = Originator(gw);
        var agent = new FakeWebSession("w1", "agent");
        gw.Users.Register("agent", agent);
        var steps = new Steps();

        Assert.True(originator.Originate(new OriginateRequest("+441632960000", "agent"), "test", _ => steps).IsStarted);
        var id = (string)(await agent.WaitForAsync("incoming"))["id"]!;
        gw.Controller.OnMessage(agent, new Gateway.Server.Signaling.RejectIncoming(id, 603));

        var bye = await peer.WaitForAsync(SipMethods.Bye);
        Assert.Contains("cause=603", bye.GetHeader("Reason"));
        var ended = await steps.WaitForAsync(OriginateProgress.Ended);
        Assert.Equal((603, "rejected"), (ended.Code, ended.Outcome));
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Hung_up_by_the_operator_while_the_number_rings_the_invite_is_cancelled()
    {
        await using var peer = SipTestPeer.Start();
        peer.Behavior = PeerBehavior.Ring;
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var (originator, directory) = Originator(gw);
        gw.Users.Register("agent", new FakeWebSession("w1", "agent"));
        var steps = new Steps();

        var result = originator.Originate(new OriginateRequest("+441632960000", "agent"), "test", _ => steps);
        await steps.WaitForAsync(OriginateProgress.Ringing);
        Assert.True(directory.HangUp(result.Id!, "test"));
        await peer.WaitForAsync(SipMethods.Cancel);
        var ended = await steps.WaitForAsync(OriginateProgress.Ended);
        Assert.Equal((487, "Terminated by operator", "cancelled"), (ended.Code, ended.Reason, ended.Outcome));
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Hung_up_by_the_operator_while_the_web_user_rings_the_number_gets_the_reason_and_the_session_487()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var (originator, directory) = Originator(gw);
        var agent = new FakeWebSession("w1", "agent");
        gw.Users.Register("agent", agent);
        var steps = new Steps();

        var result = originator.Originate(new OriginateRequest("+441632960000", "agent"), "test", _ => steps);
        var id = (string)(await agent.WaitForAsync("incoming"))["id"]!;
        Assert.True(directory.HangUp(result.Id!, "test"));

        var bye = await peer.WaitForAsync(SipMethods.Bye);
        Assert.Equal("SIP ;cause=200 ;text=\"Terminated by operator\"", bye.GetHeader("Reason"));
        var hangup = await agent.WaitForAsync("hangup", id);
        Assert.Equal((487, "Terminated by operator"), ((int)hangup["code"]!, (string?)hangup["reason"]));
        Assert.Equal((487, "cancelled"), ((await steps.WaitForAsync(OriginateProgress.Ended)).Code, (await steps.WaitForAsync(OriginateProgress.Ended)).Outcome));
        await gw.WaitForNoCallsAsync();
    }

    [Theory]
    [InlineData("7000", "agent", OriginateRefusal.Denied, 403)]      // the harness's reject route
    [InlineData("600", "agent", OriginateRefusal.NotDialable, 501)]  // app: echo
    [InlineData("+441632960000", "nobody", OriginateRefusal.UserUnavailable, 480)]
    public async Task Refused_before_anything_is_allocated(string to, string user, OriginateRefusal refusal, int code)
    {
        await using var gw = CallHarness.Start([("pstn", 9, "")]);
        var (originator, _) = Originator(gw);
        gw.Users.Register("agent", new FakeWebSession("w1", "agent"));

        var result = originator.Originate(new OriginateRequest(to, user), "test", _ => throw new InvalidOperationException("no call, no sink"));
        Assert.False(result.IsStarted);
        Assert.Equal((refusal, code), (result.Refusal, result.Code));
        Assert.Empty(gw.Media.Created);
        Assert.Equal(0, gw.Registry.Count);
    }

    [Fact]
    public async Task Originated_to_echo_the_answered_leg_is_echoed_then_the_operator_hangs_up()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "codecs: [G722, PCMU]")]);
        var (originator, directory) = Originator(gw);
        var steps = new Steps();

        var result = originator.Originate(new OriginateRequest("+441632960000", null, "echo"), "test", _ => steps);
        Assert.True(result.IsStarted, result.Detail);
        var invite = await peer.WaitForAsync(SipMethods.Invite);
        Assert.Contains("RTP/AVP 9 0 101", System.Text.Encoding.ASCII.GetString(invite.Body.Span)); // echo takes both

        await steps.WaitForAsync(OriginateProgress.Bridged);
        var media = gw.Media.Last;
        Assert.Contains("sip app 127.0.0.1:6000 8000", media.Calls); // SipTestPeer's answer: PCMU on port 6000
        Assert.Contains("echo sip 0 8000", media.Calls);
        var call = directory.Find(result.Id!)!;
        Assert.Equal((CallDirection.Originated, CallPhase.Active, "echo", "pstn"), (call.Direction, call.State, call.To, call.Trunk));

        Assert.True(directory.HangUp(result.Id!, "test"));
        await peer.WaitForAsync(SipMethods.Bye);
        var ended = await steps.WaitForAsync(OriginateProgress.Ended);
        Assert.Equal((200, "answered"), (ended.Code, ended.Outcome));
        await gw.WaitForNoCallsAsync();
        Assert.Equal([OriginateProgress.Ringing, OriginateProgress.Answered, OriginateProgress.Bridged, OriginateProgress.Ended], steps.All.Select(p => p.Event));
    }

    [Fact]
    public async Task Originated_to_playback_the_offer_keeps_only_the_codecs_playback_encodes_and_the_prompt_plays()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "codecs: [G722, PCMU]")]);
        var (originator, _) = Originator(gw);
        var steps = new Steps();

        Assert.True(originator.Originate(new OriginateRequest("+441632960000", null, "playback prompts/welcome.wav"), "test", _ => steps).IsStarted);
        var invite = await peer.WaitForAsync(SipMethods.Invite);
        Assert.Contains("RTP/AVP 0 101", System.Text.Encoding.ASCII.GetString(invite.Body.Span));
        await steps.WaitForAsync(OriginateProgress.Bridged);
        Assert.Contains(gw.Media.Last.Calls, c => c.StartsWith("playback ", StringComparison.Ordinal) && c.EndsWith(" 0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Originated_to_playback_with_only_codecs_it_cannot_encode_the_call_fails_without_an_invite()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "codecs: [G722]")]);
        var (originator, _) = Originator(gw);
        var steps = new Steps();

        Assert.True(originator.Originate(new OriginateRequest("+441632960000", null, "playback prompts/welcome.wav"), "test", _ => steps).IsStarted);
        var ended = await steps.WaitForAsync(OriginateProgress.Ended);
        Assert.Equal((488, "rejected"), (ended.Code, ended.Outcome));
        Assert.DoesNotContain(peer.Received, r => r.Method == SipMethods.Invite);
        await gw.WaitForNoCallsAsync();
    }

    [Theory]
    [InlineData("dance", 501)]
    [InlineData("playback prompts/missing.wav", 404)]
    public async Task An_app_that_cannot_serve_the_call_is_refused_before_anything_is_allocated(string app, int code)
    {
        await using var gw = CallHarness.Start([("pstn", 9, "")]);
        var (originator, _) = Originator(gw);

        var result = originator.Originate(new OriginateRequest("+441632960000", null, app), "test", _ => throw new InvalidOperationException("no call, no sink"));
        Assert.Equal((OriginateRefusal.AppUnavailable, code), (result.Refusal, result.Code));
        Assert.Empty(gw.Media.Created);
        Assert.Equal(0, gw.Registry.Count);
    }
}
