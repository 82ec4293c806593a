using Gateway.Tests.Shared;
using Gateway.Media.Bridge;
using Gateway.Server.Signaling;
using Gateway.Server.Tests.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

public sealed class OutboundCallTests
{
    [Fact]
    public async Task Answered_call_relays_ringing_and_answer_configures_media_and_ends_with_browser_hangup()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");

        await web.WaitForAsync("ringing", "c1");
        var answer = await web.WaitForAsync("answer", "c1");
        Assert.Contains("a=ice-lite", (string)answer["sdp"]!);
        var invite = await peer.WaitForAsync(SipMethods.Invite);
        Assert.Equal("+14155550100", invite.RequestUri.User);
        Assert.Contains("m=audio 5", System.Text.Encoding.ASCII.GetString(invite.Body.Span));
        await peer.WaitForAsync(SipMethods.Ack);
        var media = gw.Media.Last;
        Assert.Contains(media.Calls, c => c.StartsWith("web 5+Ix True"));
        Assert.Equal(0, media.SipCodecs!.SipPayloadType);
        Assert.Equal(6000, media.SipRemote!.Port);

        gw.Controller.OnMessage(web, new Hangup("c1"));
        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(200, (int)hangup["code"]!);
        Assert.Equal("Normal", (string)hangup["reason"]!);
        await peer.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
        Assert.True(media.Disposed);
        var cdr = Assert.Single(gw.Cdr.Records);
        Assert.Equal("outbound", cdr.Direction);
        Assert.Equal("pstn", cdr.Trunk);
        Assert.Equal(200, cdr.Cause);
        Assert.NotNull(cdr.Answer);
        Assert.Equal(1, gw.Metrics.CallsEnded("answered"));
    }

    [Fact]
    public async Task Busy_486_is_relayed_without_failover()
    {
        await using var busy = SipTestPeer.Start();
        await using var second = SipTestPeer.Start();
        busy.Behavior = PeerBehavior.Busy;
        await using var gw = CallHarness.Start([("a", busy.Port, ""), ("b", second.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");

        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(486, (int)hangup["code"]!);
        Assert.Equal(0, second.Count(SipMethods.Invite));
        await gw.WaitForNoCallsAsync();
        Assert.Equal(1, gw.Metrics.CallsEnded("busy"));
        var cdr = Assert.Single(gw.Cdr.Records);
        Assert.Equal(("a", 486), (cdr.Trunk, cdr.Cause)); // the trunk that refused is named though it never answered
    }

    [Fact]
    public async Task Failover_503_tries_the_second_trunk()
    {
        await using var down = SipTestPeer.Start();
        await using var backup = SipTestPeer.Start();
        down.Behavior = PeerBehavior.Unavailable;
        await using var gw = CallHarness.Start([("a", down.Port, ""), ("b", backup.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");

        await web.WaitForAsync("answer", "c1");
        Assert.Equal(1, down.Count(SipMethods.Invite));
        Assert.Equal(1, backup.Count(SipMethods.Invite));
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await backup.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
        Assert.Equal("b", gw.Cdr.Records.Single().Trunk);
    }

    [Fact]
    public async Task No_answer_timeout_cancels_and_hangs_up_480()
    {
        await using var peer = SipTestPeer.Start();
        peer.Behavior = PeerBehavior.Ring;
        var time = new ManualTimeProvider();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")], noAnswer: TimeSpan.FromSeconds(30), callTime: time);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");

        await web.WaitForAsync("ringing", "c1");
        Assert.Equal(0, web.Count("hangup"));
        time.Advance(TimeSpan.FromSeconds(30)); // the no-answer timer runs on the call's clock, not the test machine's speed
        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(480, (int)hangup["code"]!);
        await peer.WaitForAsync(SipMethods.Cancel);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(1, web.Count("hangup"));
        Assert.Equal(1, gw.Metrics.CallsEnded("no_answer"));
    }

    [Fact]
    public async Task Browser_hangup_while_ringing_sends_CANCEL_and_absorbs_487()
    {
        await using var peer = SipTestPeer.Start();
        peer.Behavior = PeerBehavior.Ring;
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("ringing", "c1");
        gw.Controller.OnMessage(web, new Hangup("c1"));

        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(200, (int)hangup["code"]!);
        await peer.WaitForAsync(SipMethods.Cancel);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(1, web.Count("hangup"));
        Assert.Equal(1, gw.Metrics.CallsEnded("cancelled"));
        Assert.Equal(487, gw.Cdr.Records.Single().Cause);
    }

    [Fact]
    public async Task Remote_BYE_hangs_up_the_browser_with_200()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        await peer.WaitForAsync(SipMethods.Ack);

        var ok = await peer.SendInDialogAsync(SipMethods.Bye);

        Assert.Equal(200, ok.StatusCode);
        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(200, (int)hangup["code"]!);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Early_media_183_with_SDP_sends_progress_then_the_same_answer()
    {
        await using var peer = SipTestPeer.Start();
        peer.Behavior = PeerBehavior.EarlyMediaThenAnswer;
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");

        var progress = await web.WaitForAsync("progress", "c1");
        var answer = await web.WaitForAsync("answer", "c1");
        Assert.Equal((string)progress["sdp"]!, (string)answer["sdp"]!);
        Assert.Equal(0, web.Count("ringing"));
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Digest_challenge_is_answered_once_with_the_trunk_credentials()
    {
        await using var peer = SipTestPeer.Start();
        peer.Behavior = PeerBehavior.Challenge;
        await using var gw = CallHarness.Start([("pstn", peer.Port, "username: gw\npassword: pw")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");

        await web.WaitForAsync("answer", "c1");
        Assert.Equal(2, peer.Count(SipMethods.Invite));
        Assert.NotNull(peer.Received.Last(r => r.Method == SipMethods.Invite).GetHeader("Authorization"));
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Denied_route_hangs_up_with_the_reject_code()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "7000");

        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(403, (int)hangup["code"]!);
        Assert.Equal(0, peer.Count(SipMethods.Invite));
        await gw.WaitForNoCallsAsync();
        Assert.Single(gw.Cdr.Records);
    }

    [Fact]
    public async Task Media_end_sends_BYE_with_a_Reason_and_tells_the_browser()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");

        gw.Media.Last.End(MediaEndReason.RtpTimeout);

        var bye = await peer.WaitForAsync(SipMethods.Bye);
        Assert.Contains("cause=408", bye.GetHeader("Reason"));
        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(408, (int)hangup["code"]!);
        Assert.Equal("RTP timeout", (string)hangup["reason"]!);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Session_interval_too_small_422_is_retried_with_Min_SE()
    {
        await using var peer = SipTestPeer.Start();
        peer.Behavior = PeerBehavior.MinSessionExpires3600;
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");

        gw.Place(web, "c1", "+14155550100");

        await web.WaitForAsync("answer", "c1");
        Assert.Equal("3600", (await peer.WaitForAsync(SipMethods.Invite, 2)).GetHeader("Session-Expires"));
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
    }
}
