using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

/// <summary>A browser calls a user: web to web through two media sessions, web to a registered phone, forking across both.</summary>
public sealed class WebUserCallTests
{
    private const string ChromeAnswer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0 101\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=mid:0\r\na=ice-ufrag:brws\r\na=ice-pwd:browserbrowserbrowser12\r\n" +
        "a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC\r\n" +
        "a=setup:active\r\na=rtcp-mux\r\na=sendrecv\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

    [Fact]
    public async Task Web_to_web_the_two_media_sessions_relay_to_each_other_and_a_hangup_reaches_the_other_side()
    {
        await using var gw = CallHarness.Start([("pstn", 9, "")]);
        var alice = new FakeWebSession("wa", "alice");
        var bob = new FakeWebSession("wb", "bob");
        gw.Users.Register("alice", alice);
        gw.Users.Register("bob", bob);

        gw.Place(alice, "c1", "bob");
        var incoming = await bob.WaitForAsync("incoming");
        var id = (string)incoming["id"]!;
        Assert.NotEqual("c1", id);
        Assert.Equal("alice", (string)incoming["from"]!);
        Assert.Contains("a=ice-lite", (string)incoming["sdp"]!);
        gw.Controller.OnMessage(bob, new RingingIncoming(id));
        await alice.WaitForAsync("ringing", "c1");
        gw.Controller.OnMessage(bob, new AnswerIncoming(id, ChromeAnswer));

        var answer = await alice.WaitForAsync("answer", "c1");
        Assert.Contains("a=ice-lite", (string)answer["sdp"]!);
        var media = gw.Media.Created.ToArray();
        Assert.Equal(2, media.Length);
        Assert.Equal(media[1].SipEndpoint.Port, media[0].SipRemote!.Port); // caller's RTP leg -> callee's
        Assert.Equal(media[0].SipEndpoint.Port, media[1].SipRemote!.Port); // and back
        Assert.Contains(media[1].Calls, c => c == "web brws True");

        // dtmf from each side goes into its own media session's RTP leg, toward the other side (RFC 4733).
        gw.Controller.OnMessage(alice, new SendDtmf("c1", "1", 100));
        gw.Controller.OnMessage(bob, new SendDtmf(id, "2", 120));
        for (var i = 0; i < 200 && !(media[0].Calls.Contains("dtmf 1 100") && media[1].Calls.Contains("dtmf 2 120")); i++) await Task.Delay(10);
        Assert.Contains("dtmf 1 100", media[0].Calls);
        Assert.Contains("dtmf 2 120", media[1].Calls);

        gw.Controller.OnMessage(bob, new Hangup(id));
        var hangup = await alice.WaitForAsync("hangup", "c1");
        Assert.Equal(200, (int)hangup["code"]!);
        await gw.WaitForNoCallsAsync();
        Assert.True(media.All(m => m.Disposed));
        Assert.Equal("internal", gw.Cdr.Records.Single().Direction);
    }

    [Fact]
    public async Task Web_to_an_unregistered_user_is_480_not_501()
    {
        await using var gw = CallHarness.Start([("pstn", 9, "")]);
        var alice = new FakeWebSession("wa", "alice");
        gw.Place(alice, "c1", "nobody");
        Assert.Equal(480, (int)(await alice.WaitForAsync("hangup", "c1"))["code"]!);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Web_to_a_user_held_only_on_another_node_rings_that_node_and_bridges_its_answer()
    {
        await using var node2 = SipTestPeer.Start();
        var cluster = new FakeRemoteUsers();
        cluster.Hold("bob", node2);
        await using var gw = CallHarness.Start([("pstn", 9, "")], remoteUsers: cluster);
        var alice = new FakeWebSession("wa", "alice");

        gw.Place(alice, "c1", "bob");
        var invite = await node2.WaitForAsync(SipMethods.Invite);
        Assert.Contains("RTP/AVP", System.Text.Encoding.ASCII.GetString(invite.Body.Span)); // the other node bridges RTP to its browser
        Assert.Equal("alice", invite.From!.Uri.User);
        await alice.WaitForAsync("answer", "c1");
        Assert.Equal(6000, gw.Media.Created.First().SipRemote!.Port);
        await node2.WaitForAsync(SipMethods.Ack);

        gw.Controller.OnMessage(alice, new Hangup("c1"));
        await node2.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Web_to_a_user_no_node_holds_is_480_after_the_lookup()
    {
        var cluster = new FakeRemoteUsers();
        await using var gw = CallHarness.Start([("pstn", 9, "")], remoteUsers: cluster);
        var alice = new FakeWebSession("wa", "alice");
        gw.Place(alice, "c1", "nobody");
        Assert.Equal(480, (int)(await alice.WaitForAsync("hangup", "c1"))["code"]!);
        Assert.Equal(1, cluster.Lookups);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Web_to_user_forks_to_session_and_phone_the_phone_answers_with_RTP_the_session_hears_answered_elsewhere()
    {
        await using var phone = SipTestPeer.Start();
        phone.Behavior = PeerBehavior.Ring;
        var devices = new FakeRegisteredDevices();
        devices.Bind("bob", phone);
        await using var gw = CallHarness.Start([("pstn", 9, "")], devices: devices);
        var alice = new FakeWebSession("wa", "alice");
        var bob = new FakeWebSession("wb", "bob");
        gw.Users.Register("bob", bob);

        gw.Place(alice, "c1", "bob");
        var incoming = await bob.WaitForAsync("incoming");
        var invite = await phone.WaitForAsync(SipMethods.Invite);
        Assert.Contains("RTP/AVP", System.Text.Encoding.ASCII.GetString(invite.Body.Span));
        await alice.WaitForAsync("ringing", "c1");
        phone.AnswerPending();

        await alice.WaitForAsync("answer", "c1");
        var elsewhere = await bob.WaitForAsync("hangup", (string)incoming["id"]!);
        Assert.Equal("answered elsewhere", (string)elsewhere["reason"]!);
        Assert.Equal(6000, gw.Media.Created.First().SipRemote!.Port); // the caller's RTP leg -> the phone
        await phone.WaitForAsync(SipMethods.Ack);

        gw.Controller.OnMessage(alice, new Hangup("c1"));
        await phone.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Web_to_user_the_session_answers_the_ringing_phone_gets_CANCEL_completed_elsewhere()
    {
        await using var phone = SipTestPeer.Start();
        phone.Behavior = PeerBehavior.Ring;
        var devices = new FakeRegisteredDevices();
        devices.Bind("bob", phone);
        await using var gw = CallHarness.Start([("pstn", 9, "")], devices: devices);
        var alice = new FakeWebSession("wa", "alice");
        var bob = new FakeWebSession("wb", "bob");
        gw.Users.Register("bob", bob);

        gw.Place(alice, "c1", "bob");
        var incoming = await bob.WaitForAsync("incoming");
        await phone.WaitForAsync(SipMethods.Invite);
        await alice.WaitForAsync("ringing", "c1"); // the phone's 180
        gw.Controller.OnMessage(bob, new AnswerIncoming((string)incoming["id"]!, ChromeAnswer));

        await alice.WaitForAsync("answer", "c1");
        var cancel = await phone.WaitForAsync(SipMethods.Cancel);
        Assert.Equal(Gateway.Server.Calls.SipDeviceSession.CompletedElsewhere, cancel.GetHeader("Reason"));
        gw.Controller.OnMessage(alice, new Hangup("c1"));
        await bob.WaitForAsync("hangup", (string)incoming["id"]!);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Caller_hangs_up_while_ringing_the_phone_gets_CANCEL_without_completed_elsewhere()
    {
        await using var phone = SipTestPeer.Start();
        phone.Behavior = PeerBehavior.Ring;
        var devices = new FakeRegisteredDevices();
        devices.Bind("bob", phone);
        await using var gw = CallHarness.Start([("pstn", 9, "")], devices: devices);
        var alice = new FakeWebSession("wa", "alice");

        gw.Place(alice, "c1", "bob");
        await alice.WaitForAsync("ringing", "c1");
        gw.Controller.OnMessage(alice, new Hangup("c1"));

        var cancel = await phone.WaitForAsync(SipMethods.Cancel);
        Assert.Null(cancel.GetHeader("Reason"));
        await gw.WaitForNoCallsAsync();
        Assert.Equal(487, gw.Cdr.Records.Single().Cause);
    }
}
