using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

/// <summary>Every device of a user rings: its web sessions and its registered SIP phones; the first answer wins.</summary>
public sealed class DeviceForkTests
{
    private const string ChromeAnswer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0 101\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=mid:0\r\na=ice-ufrag:brws\r\na=ice-pwd:browserbrowserbrowser12\r\n" +
        "a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC\r\n" +
        "a=setup:active\r\na=rtcp-mux\r\na=sendrecv\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

    [Fact]
    public async Task Trunk_call_rings_session_and_phone_the_session_answers_the_phone_gets_CANCEL_completed_elsewhere()
    {
        await using var trunk = SipTestPeer.Start();
        await using var phone = SipTestPeer.Start();
        phone.Behavior = PeerBehavior.Ring;
        var devices = new FakeRegisteredDevices();
        devices.Bind("bob", phone);
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], devices: devices);
        var web = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", web);

        var (invite, tx, _) = trunk.Call(gw.EndPoint, "bob");
        var incoming = await web.WaitForAsync("incoming");
        var ringing = await phone.WaitForAsync(SipMethods.Invite);
        var relay = gw.Media.Last; // beside the browsers' media: the relay a plain RTP phone's media is anchored on
        Assert.Contains($"m=audio {relay.PhoneEndpoint.Port} RTP/AVP 0 101", System.Text.Encoding.ASCII.GetString(ringing.Body.Span)); // the caller's codecs, the gateway's address
        Assert.Equal("peer", ringing.RequestUri.User);
        var id = (string)incoming["id"]!;
        gw.Controller.OnMessage(web, new AnswerIncoming(id, ChromeAnswer));

        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        await trunk.AckAsync(invite, ok);
        var cancel = await phone.WaitForAsync(SipMethods.Cancel);
        Assert.Equal(SipDeviceReason, cancel.GetHeader("Reason"));

        Assert.Equal(200, (await trunk.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await web.WaitForAsync("hangup", id);
        await gw.WaitForNoCallsAsync();
        Assert.True(relay.Disposed); // the browser won: the relay went at once
    }

    private const string SipDeviceReason = "SIP ;cause=200 ;text=\"Call completed elsewhere\"";

    [Fact]
    public async Task Trunk_call_answered_by_the_phone_the_session_hears_answered_elsewhere_and_BYE_reaches_the_phone()
    {
        await using var trunk = SipTestPeer.Start();
        await using var phone = SipTestPeer.Start();
        phone.Behavior = PeerBehavior.Ring;
        var devices = new FakeRegisteredDevices();
        devices.Bind("bob", phone);
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], devices: devices);
        var web = new FakeWebSession("w1", "bob");
        gw.Users.Register("bob", web);

        var (invite, tx, _) = trunk.Call(gw.EndPoint, "bob");
        var incoming = await web.WaitForAsync("incoming");
        await phone.WaitForAsync(SipMethods.Invite);
        phone.AnswerPending();

        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        var relay = gw.Media.Last;
        var answer = System.Text.Encoding.ASCII.GetString(ok.Body.Span);
        Assert.Contains("o=peer", answer); // the phone's answer ...
        Assert.Contains($"m=audio {relay.SipEndpoint.Port} RTP/AVP 0 101", answer); // ... at the gateway's relay: media anchored
        Assert.Contains("phone 127.0.0.1:6000", relay.Calls);
        Assert.Contains("sip 127.0.0.1:6000 0->0", relay.Calls);
        Assert.True(gw.Media.Created.First().Disposed); // the browsers' media is freed once the phone answered
        await trunk.AckAsync(invite, ok);
        var elsewhere = await web.WaitForAsync("hangup", (string)incoming["id"]!);
        Assert.Equal(487, (int)elsewhere["code"]!);
        await phone.WaitForAsync(SipMethods.Ack);

        Assert.Equal(200, (await trunk.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await phone.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(200, gw.Cdr.Records.Single().Cause);
        Assert.True(relay.Disposed);
    }

    [Fact]
    public async Task Phone_hangs_up_first_the_trunk_gets_BYE()
    {
        await using var trunk = SipTestPeer.Start();
        await using var phone = SipTestPeer.Start();
        var devices = new FakeRegisteredDevices();
        devices.Bind("bob", phone);
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], devices: devices);

        var (invite, tx, _) = trunk.Call(gw.EndPoint, "bob");
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        await trunk.AckAsync(invite, ok);
        await phone.WaitForAsync(SipMethods.Ack);

        Assert.Equal(200, (await phone.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await trunk.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
    }
}
