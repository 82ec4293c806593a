using System.Text;
using Gateway.Server.Calls;
using Gateway.Sip.Auth;
using Gateway.Sip.Messages;
using Gateway.Sip.Registrar;

namespace Gateway.Server.Tests.Calls;

/// <summary>
/// Issue #15 item 4: a registered phone calls out through the dialplan's trunks as its user (that user's guards), the
/// gateway a B2BUA with the media anchored (the phone and the trunk each see the gateway's relay address).
/// </summary>
public sealed class PhoneTrunkCallTests
{
    private const string Premium = "  deny:\n    premium: ['^\\+449']\n";

    /// <summary>Dialplan users (after the guards): alice may reach premium numbers, bob may not.</summary>
    private const string UsersYaml = "users:\n  - name: alice\n    password: pw-alice\n    allow: [premium]\n  - name: bob\n    password: pw-bob\n";

    private sealed class Users : IRegistrarDirectory
    {
        public RegistrarUser? Find(string name) => name is "alice" or "bob" ? new RegistrarUser(name, "pw-" + name, 5) : null;
    }

    private static SipRegistrar Registrar() =>
        new(new RegistrarOptions { Domain = "gateway.local" }, new Users(), new InMemoryRegistrationStore(100, TimeProvider.System), new byte[32]);

    private static CallHarness Gateway(SipTestPeer trunk, string extra = "") =>
        CallHarness.Start([("pstn", trunk.Port, extra)], allowUnknownSources: false, registrar: Registrar(), guards: Premium + UsersYaml);

    /// <summary>The phone's INVITE, its 401, then the INVITE again with the user's credentials.</summary>
    private static async Task<(SipRequest Invite, Gateway.Sip.Transactions.InviteClientTransaction Tx)> DialAsync(SipTestPeer phone, CallHarness gw, string to, string user = "alice")
    {
        var (first, tx, _) = phone.Call(gw.EndPoint, to, from: user);
        var challenge = await tx.FinalResponse;
        Assert.Equal(401, challenge.StatusCode);
        Assert.True(new DigestClient(user, "pw-" + user).TryAnswer(challenge.GetHeader("WWW-Authenticate")!, "INVITE", first.RequestUri.ToString(), out var credentials));
        var (invite, authed, _) = phone.Call(gw.EndPoint, to, from: user, extraHeader: "Authorization: " + credentials);
        return (invite, authed);
    }

    private static string Body(SipMessage message) => Encoding.ASCII.GetString(message.Body.Span);

    [Fact]
    public async Task Phone_calls_a_trunk_media_anchored_both_ways_and_the_phones_BYE_reaches_the_trunk()
    {
        await using var trunk = SipTestPeer.Start();
        await using var phone = SipTestPeer.Start();
        await using var gw = Gateway(trunk);

        var (invite, tx) = await DialAsync(phone, gw, "+14155550100");
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        var media = gw.Media.Last;
        // The trunk was offered the phone's codecs at the gateway's trunk-side port, the phone answered at its phone-side port.
        var atTrunk = await trunk.WaitForAsync(SipMethods.Invite);
        Assert.Equal("+14155550100", atTrunk.RequestUri.User);
        Assert.Contains($"m=audio {media.SipEndpoint.Port} RTP/AVP 0 101", Body(atTrunk));
        Assert.Contains($"m=audio {media.PhoneEndpoint.Port} RTP/AVP 0 101", Body(ok));
        Assert.DoesNotContain("6000", Body(ok)); // not the trunk's own RTP port
        Assert.Contains("a=rtpmap:101 telephone-event/8000", Body(ok));
        Assert.Contains("phone 127.0.0.1:6000", media.Calls);
        Assert.Contains("sip 127.0.0.1:6000 0->0", media.Calls);
        await phone.AckAsync(invite, ok);
        await WaitForStateAsync(gw, CallState.Active);

        Assert.Equal(200, (await phone.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await trunk.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
        Assert.True(media.Disposed);
        var cdr = gw.Cdr.Records.Single();
        Assert.Equal("phone", cdr.Direction);
        Assert.Equal("pstn", cdr.Trunk);
        Assert.Equal("alice", cdr.From);
    }

    [Fact]
    public async Task The_trunks_BYE_reaches_the_phone()
    {
        await using var trunk = SipTestPeer.Start();
        await using var phone = SipTestPeer.Start();
        await using var gw = Gateway(trunk);

        var (invite, tx) = await DialAsync(phone, gw, "+14155550100");
        var ok = await tx.FinalResponse;
        await phone.AckAsync(invite, ok);
        await WaitForStateAsync(gw, CallState.Active);
        Assert.Equal(200, (await trunk.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await phone.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Early_media_reaches_the_phone_anchored_then_the_answer()
    {
        await using var trunk = SipTestPeer.Start();
        trunk.Behavior = PeerBehavior.Manual;
        await using var phone = SipTestPeer.Start();
        await using var gw = Gateway(trunk);

        var (invite, tx) = await DialAsync(phone, gw, "+14155550100");
        await trunk.WaitForAsync(SipMethods.Invite);
        trunk.Provisional(183, withSdp: true);
        var media = gw.Media.Last;
        await Poll(() => phone.ProvisionalResponses.Any(r => r.StatusCode == 183), "the 183 at the phone");
        var early = phone.ProvisionalResponses.First(r => r.StatusCode == 183);
        Assert.Contains($"m=audio {media.PhoneEndpoint.Port} RTP/AVP", Body(early));
        Assert.Contains("sip 127.0.0.1:6000 0->0", media.Calls); // the trunk's early RTP is relayed
        trunk.AnswerPending();
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        Assert.Contains($"m=audio {media.PhoneEndpoint.Port} RTP/AVP", Body(ok));
        await phone.AckAsync(invite, ok);
        Assert.Equal(200, (await phone.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task Phone_CANCEL_while_ringing_is_487_and_the_trunk_is_CANCELled()
    {
        await using var trunk = SipTestPeer.Start();
        trunk.Behavior = PeerBehavior.Ring;
        await using var phone = SipTestPeer.Start();
        await using var gw = Gateway(trunk);

        var (invite, tx) = await DialAsync(phone, gw, "+14155550100");
        await trunk.WaitForAsync(SipMethods.Invite);
        await Poll(() => phone.ProvisionalResponses.Any(r => r.StatusCode == 180), "the 180 at the phone");
        Assert.Equal(200, (await phone.CancelAsync(invite)).StatusCode);
        Assert.Equal(487, (await tx.FinalResponse).StatusCode);
        await trunk.WaitForAsync(SipMethods.Cancel);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(487, gw.Cdr.Records.Single().Cause);
    }

    [Fact]
    public async Task Trunk_busy_is_486_to_the_phone()
    {
        await using var trunk = SipTestPeer.Start();
        trunk.Behavior = PeerBehavior.Busy;
        await using var phone = SipTestPeer.Start();
        await using var gw = Gateway(trunk);

        var (_, tx) = await DialAsync(phone, gw, "+14155550100");
        Assert.Equal(486, (await tx.FinalResponse).StatusCode);
        await gw.WaitForNoCallsAsync();
        Assert.True(gw.Media.Last.Disposed);
    }

    [Fact]
    public async Task A_user_without_the_guard_class_gets_the_refusal_and_no_INVITE_reaches_the_trunk()
    {
        await using var trunk = SipTestPeer.Start();
        await using var phone = SipTestPeer.Start();
        await using var gw = Gateway(trunk);

        var (_, tx) = await DialAsync(phone, gw, "+449098790000", user: "bob");
        Assert.Equal(403, (await tx.FinalResponse).StatusCode);
        Assert.Empty(gw.Media.Created);
        Assert.Equal(0, trunk.Count(SipMethods.Invite));
    }

    [Fact]
    public async Task A_user_the_guard_class_is_granted_to_reaches_the_trunk()
    {
        await using var trunk = SipTestPeer.Start();
        await using var phone = SipTestPeer.Start();
        await using var gw = Gateway(trunk);

        var (invite, tx) = await DialAsync(phone, gw, "+449098790000", user: "alice");
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("+449098790000", (await trunk.WaitForAsync(SipMethods.Invite)).RequestUri.User);
        await phone.AckAsync(invite, ok);
        Assert.Equal(200, (await phone.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task A_phone_offering_SRTP_is_488_and_nothing_is_dialed()
    {
        await using var trunk = SipTestPeer.Start();
        await using var phone = SipTestPeer.Start();
        await using var gw = Gateway(trunk);
        var (first, challengeTx, _) = phone.Call(gw.EndPoint, "+14155550100", from: "alice");
        var challenge = await challengeTx.FinalResponse;
        Assert.True(new DigestClient("alice", "pw-alice").TryAnswer(challenge.GetHeader("WWW-Authenticate")!, "INVITE", first.RequestUri.ToString(), out var credentials));
        var srtp = SipTestPeer.PcmuSdp.Replace("RTP/AVP", "RTP/SAVP") + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";
        var (_, tx, _) = phone.Call(gw.EndPoint, "+14155550100", sdp: srtp, from: "alice", extraHeader: "Authorization: " + credentials);
        Assert.Equal(488, (await tx.FinalResponse).StatusCode);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(0, trunk.Count(SipMethods.Invite));
    }

    [Fact]
    public async Task Re_INVITEs_to_a_new_address_move_each_leg_of_the_relay()
    {
        await using var trunk = SipTestPeer.Start();
        await using var phone = SipTestPeer.Start();
        await using var gw = Gateway(trunk);

        var (invite, tx) = await DialAsync(phone, gw, "+14155550100");
        var ok = await tx.FinalResponse;
        await phone.AckAsync(invite, ok);
        await WaitForStateAsync(gw, CallState.Active);
        var media = gw.Media.Last;

        var moved = SipTestPeer.PcmuSdp.Replace("o=peer 1 1", "o=peer 1 2").Replace("m=audio 6000", "m=audio 6100");
        var phoneOk = await phone.ReInviteAsync("sendrecv", moved);
        Assert.Equal(200, phoneOk.StatusCode);
        Assert.Contains($"m=audio {media.PhoneEndpoint.Port} RTP/AVP", Body(phoneOk)); // still the gateway's port
        Assert.Contains("phone 127.0.0.1:6100", media.Calls);

        var trunkOk = await trunk.ReInviteAsync("sendrecv", moved.Replace("m=audio 6100", "m=audio 6200"));
        Assert.Equal(200, trunkOk.StatusCode);
        Assert.Contains($"m=audio {media.SipEndpoint.Port} RTP/AVP", Body(trunkOk));
        Assert.Contains("sip 127.0.0.1:6200 0->0", media.Calls);

        Assert.Equal(200, (await phone.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await trunk.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
    }

    [Theory]
    [InlineData(0, 503)]
    [InlineData(401, 403)]
    [InlineData(407, 403)]
    [InlineData(302, 480)]
    [InlineData(486, 486)]
    [InlineData(404, 404)]
    [InlineData(503, 503)]
    [InlineData(603, 603)]
    public void Trunk_failures_map_to_what_the_phone_hears(int trunk, int phone) =>
        Assert.Equal(phone, PhoneTrunkCall.PhoneStatusFor(trunk, "x").Code);

    private static async Task WaitForStateAsync(CallHarness gw, CallState state) =>
        await Poll(() => gw.Registry.Snapshot().Any(c => c.State == state), "a call " + state);

    private static async Task Poll(Func<bool> condition, string what)
    {
        var deadline = Environment.TickCount64 + 5000;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(10);
        }
    }
}
