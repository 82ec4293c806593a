using Gateway.Tests.Shared;
using System.Text;
using Gateway.Server.Signaling;
using Gateway.Server.Tests.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

public sealed class MidCallTests
{
    private static async Task<(SipTestPeer Peer, CallHarness Gateway, FakeWebSession Web)> AnsweredAsync(string trunkExtra = "", PeerBehavior behavior = PeerBehavior.Answer, TimeProvider? time = null)
    {
        var peer = SipTestPeer.Start();
        peer.Behavior = behavior;
        var gw = CallHarness.Start([("pstn", peer.Port, trunkExtra)], callTime: time);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        await peer.WaitForAsync(SipMethods.Ack);
        return (peer, gw, web);
    }

    private static async Task HangupAsync(SipTestPeer peer, CallHarness gw, FakeWebSession web)
    {
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
        await gw.DisposeAsync();
        await peer.DisposeAsync();
    }

    [Fact]
    public async Task Hold_and_unhold_send_re_INVITEs_sendonly_then_sendrecv_and_stop_forwarding()
    {
        var (peer, gw, web) = await AnsweredAsync();

        gw.Controller.OnMessage(web, new SetHold("c1", true));
        var hold = await peer.WaitForAsync(SipMethods.Invite, 2);
        var holdSdp = Encoding.ASCII.GetString(hold.Body.Span);
        Assert.Contains("a=sendonly", holdSdp);
        Assert.DoesNotContain("PCMA", holdSdp); // only the codec in use (PCMU) and telephone-event
        Assert.Contains("a=rtpmap:101 telephone-event/8000", holdSdp);
        await peer.WaitForAsync(SipMethods.Ack, 2);
        for (var i = 0; i < 100 && !gw.Media.Last.Calls.Contains("forward False False"); i++) await Task.Delay(5);
        Assert.Contains("forward False False", gw.Media.Last.Calls);

        gw.Controller.OnMessage(web, new SetHold("c1", false));
        var resume = await peer.WaitForAsync(SipMethods.Invite, 3);
        Assert.Contains("a=sendrecv", Encoding.ASCII.GetString(resume.Body.Span));
        await peer.WaitForAsync(SipMethods.Ack, 3);
        await HangupAsync(peer, gw, web);
    }

    [Fact]
    public async Task Hold_met_with_491_is_retried_after_the_random_wait()
    {
        var time = new ManualTimeProvider();
        var (peer, gw, web) = await AnsweredAsync(time: time);
        peer.GlareOnce();

        gw.Controller.OnMessage(web, new SetHold("c1", true));
        await peer.WaitForAsync(SipMethods.Invite, 2);
        for (var i = 0; i < 100 && peer.Count(SipMethods.Invite) < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.Contains("a=sendonly", Encoding.ASCII.GetString((await peer.WaitForAsync(SipMethods.Invite, 3)).Body.Span));
        await peer.WaitForAsync(SipMethods.Ack, 2);
        await HangupAsync(peer, gw, web);
    }

    [Fact]
    public async Task DTMF_goes_as_SIP_INFO_to_info_trunks_and_through_the_media_otherwise()
    {
        var (peer, gw, web) = await AnsweredAsync("dtmf: info");

        gw.Controller.OnMessage(web, new SendDtmf("c1", "5#", 100));
        var first = await peer.WaitForAsync(SipMethods.Info, 1);
        var second = await peer.WaitForAsync(SipMethods.Info, 2);
        Assert.Equal("application/dtmf-relay", first.ContentType);
        Assert.Equal("Signal=5\r\nDuration=100\r\n", Encoding.ASCII.GetString(first.Body.Span));
        Assert.StartsWith("Signal=#", Encoding.ASCII.GetString(second.Body.Span));
        gw.Media.Last.RaiseDtmf('7');
        Assert.StartsWith("Signal=7", Encoding.ASCII.GetString((await peer.WaitForAsync(SipMethods.Info, 3)).Body.Span));
        await HangupAsync(peer, gw, web);

        (peer, gw, web) = await AnsweredAsync();
        gw.Controller.OnMessage(web, new SendDtmf("c1", "123", 80));
        Assert.Contains("dtmf 123 80", gw.Media.Last.Calls);
        Assert.Equal(0, peer.Count(SipMethods.Info));
        await HangupAsync(peer, gw, web);
    }

    [Fact]
    public async Task Blind_transfer_sends_REFER_relays_202_and_ends_on_NOTIFY_200()
    {
        var (peer, gw, web) = await AnsweredAsync();

        gw.Controller.OnMessage(web, new BlindTransfer("c1", "+14155550199"));

        var refer = await peer.WaitForAsync(SipMethods.Refer);
        Assert.Equal($"<sip:+14155550199@127.0.0.1:{peer.Port}>", refer.GetHeader("Refer-To"));
        var transferred = await web.WaitForAsync("transferred", "c1");
        Assert.Equal(202, (int)transferred["code"]!);
        await peer.WaitForAsync(SipMethods.Bye);
        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal("Transferred", (string)hangup["reason"]!);
        await gw.WaitForNoCallsAsync();
        await gw.DisposeAsync();
        await peer.DisposeAsync();
    }

    [Fact]
    public async Task Re_INVITE_from_SIP_with_sendonly_is_held_then_resumed()
    {
        var (peer, gw, web) = await AnsweredAsync();

        var held = await peer.ReInviteAsync("sendonly");
        Assert.Equal(200, held.StatusCode);
        Assert.Contains("a=recvonly", Encoding.ASCII.GetString(held.Body.Span));
        await web.WaitForAsync("held", "c1");
        Assert.Contains("forward True False", gw.Media.Last.Calls);

        var resumed = await peer.ReInviteAsync("sendrecv");
        Assert.Contains("a=sendrecv", Encoding.ASCII.GetString(resumed.Body.Span));
        await web.WaitForAsync("resumed", "c1");
        await HangupAsync(peer, gw, web);
    }

    [Fact]
    public async Task Re_INVITE_changing_the_codec_is_refused_488_and_the_call_goes_on()
    {
        var (peer, gw, web) = await AnsweredAsync();

        var refused = await peer.ReInviteAsync("sendrecv", SipTestPeer.PcmuSdp.Replace("o=peer 1 1", "o=peer 1 4").Replace("RTP/AVP 0 101", "RTP/AVP 8").Replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000"));

        Assert.Equal(488, refused.StatusCode);
        Assert.Equal(1, gw.Registry.Count);
        Assert.Equal(200, (await peer.ReInviteAsync("sendrecv")).StatusCode);
        await HangupAsync(peer, gw, web);
    }

    [Fact]
    public async Task REFER_from_SIP_routes_the_target_and_the_new_leg_replaces_the_old_one()
    {
        await using var transferor = SipTestPeer.Start();
        await using var target = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", transferor.Port, "")],
            extraRoutes: $"  - name: transfer-target\n    match: {{ prefix: '+1999' }}\n    uri: sip:$0@127.0.0.1:{target.Port}\n");
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        await transferor.WaitForAsync(SipMethods.Ack);

        var accepted = await transferor.SendInDialogAsync(SipMethods.Refer, r => r.AddHeader("Refer-To", "<sip:+19995550100@127.0.0.1>"));

        Assert.Equal(202, accepted.StatusCode);
        Assert.Equal("+19995550100", (await target.WaitForAsync(SipMethods.Invite)).RequestUri.User);
        await target.WaitForAsync(SipMethods.Ack);
        var done = await transferor.WaitForAsync(SipMethods.Notify, 2);
        Assert.StartsWith("SIP/2.0 200", Encoding.ASCII.GetString(done.Body.Span));
        Assert.Equal(200, (await transferor.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        Assert.Equal(2, gw.Media.Last.Calls.Count(c => c.StartsWith("sip ")));
        Assert.Equal(0, web.Count("hangup"));

        gw.Controller.OnMessage(web, new Hangup("c1"));
        await target.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
        Assert.Equal("uri", gw.Cdr.Records.Single().Trunk);
    }

    [Fact]
    public async Task REFER_to_an_unroutable_target_reports_the_failure_and_keeps_the_call()
    {
        var (peer, gw, web) = await AnsweredAsync();

        var accepted = await peer.SendInDialogAsync(SipMethods.Refer, r => r.AddHeader("Refer-To", "<sip:7000@127.0.0.1>"));

        Assert.Equal(202, accepted.StatusCode);
        var failed = await peer.WaitForAsync(SipMethods.Notify, 2);
        Assert.StartsWith("SIP/2.0 403", Encoding.ASCII.GetString(failed.Body.Span));
        Assert.Equal(1, gw.Registry.Count);
        await HangupAsync(peer, gw, web);
    }

    [Fact]
    public async Task Session_timer_refreshes_at_half_the_interval_when_the_gateway_is_refresher()
    {
        var time = new ManualTimeProvider();
        var (peer, gw, web) = await AnsweredAsync(behavior: PeerBehavior.AnswerWithSessionTimer, time: time);

        time.Advance(TimeSpan.FromSeconds(46));

        var refresh = await peer.WaitForAsync(SipMethods.Invite, 2);
        Assert.StartsWith("90", refresh.GetHeader("Session-Expires"));
        await peer.WaitForAsync(SipMethods.Ack, 2);
        Assert.Equal(1, gw.Registry.Count);
        await HangupAsync(peer, gw, web);
    }

    [Fact]
    public async Task Session_timer_ends_the_call_when_the_peer_does_not_refresh()
    {
        var time = new ManualTimeProvider();
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")], callTime: time);
        var web = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", web);
        var (invite, tx, _) = caller.Call(gw.EndPoint, "bob", extraHeader: "Session-Expires: 90;refresher=uac");
        var id = (string)(await web.WaitForAsync("incoming"))["id"]!;
        gw.Controller.OnMessage(web, new AnswerIncoming(id, InboundAnswer));
        var ok = await tx.FinalResponse;
        Assert.Equal("90;refresher=uac", ok.GetHeader("Session-Expires"));
        await caller.AckAsync(invite, ok);
        for (var i = 0; i < 200 && gw.Registry.Snapshot().Single().State != Gateway.Server.Calls.CallState.Active; i++) await Task.Delay(5);

        time.Advance(TimeSpan.FromSeconds(61));

        var bye = await caller.WaitForAsync(SipMethods.Bye);
        Assert.Contains("cause=408", bye.GetHeader("Reason"));
        Assert.Equal(408, (int)(await web.WaitForAsync("hangup", id))["code"]!);
        await gw.WaitForNoCallsAsync();
    }

    internal const string InboundAnswer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=mid:0\r\na=ice-ufrag:brws\r\na=ice-pwd:browserbrowserbrowser12\r\n" +
        "a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC\r\n" +
        "a=setup:active\r\na=rtcp-mux\r\na=sendrecv\r\na=rtpmap:0 PCMU/8000\r\n";
}
