using System.Text;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

/// <summary>RFC 4568 §7.1.4 through the call layer: a re-INVITE from either side that changes an a=crypto key gives that direction new keys.</summary>
public sealed class SrtpReInviteTests
{
    private const string K1 = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
    private const string K2 = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIz";

    private static string SrtpSdp(string key, int version = 1, string profile = "RTP/SAVP", int tag = 1) =>
        $"v=0\r\no=peer 1 {version} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 {profile} 0 101\r\na=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n" + (key.Length == 0 ? "" : $"a=crypto:{tag} AES_CM_128_HMAC_SHA1_80 inline:{key}\r\n") + "a=sendrecv\r\n";

    private static async Task<(SipTestPeer Peer, CallHarness Gateway, FakeWebSession Web)> AnsweredAsync()
    {
        var peer = SipTestPeer.Start();
        peer.AnswerSdp = SrtpSdp(K1);
        var gw = CallHarness.Start([("pstn", peer.Port, "srtp: required")]);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        await peer.WaitForAsync(SipMethods.Ack);
        Assert.Equal(Convert.FromBase64String(K1), gw.Media.Last.SipCodecs!.SipSrtp!.ReceiveKeySalt);
        return (peer, gw, web);
    }

    private static async Task EndAsync(SipTestPeer peer, CallHarness gw, FakeWebSession web)
    {
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();
        await gw.DisposeAsync();
        await peer.DisposeAsync();
    }

    [Fact]
    public async Task A_peer_reoffer_with_a_new_key_gets_a_new_receive_key_and_ours_is_kept()
    {
        var (peer, gw, web) = await AnsweredAsync();
        var sendKey = gw.Media.Last.SipCodecs!.SipSrtp!.SendKeySalt;

        var ok = await peer.ReInviteAsync("sendrecv", SrtpSdp(K2, version: 2, tag: 5));

        Assert.Equal(200, ok.StatusCode);
        var answer = Encoding.ASCII.GetString(ok.Body.Span);
        Assert.Single(answer.Split("\r\n"), l => l.StartsWith("a=crypto:", StringComparison.Ordinal)); // §7.1.3: one, with the offer's tag
        Assert.Contains("a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:" + Convert.ToBase64String(sendKey), answer);
        var keys = gw.Media.Last.SipCodecs!.SipSrtp!;
        Assert.Equal(Convert.FromBase64String(K2), keys.ReceiveKeySalt);
        Assert.Equal(sendKey, keys.SendKeySalt);
        await EndAsync(peer, gw, web);
    }

    [Fact]
    public async Task A_peer_reoffer_that_drops_SRTP_is_488_and_the_keys_stay()
    {
        var (peer, gw, web) = await AnsweredAsync();

        var refused = await peer.ReInviteAsync("sendrecv", SrtpSdp("", version: 2, profile: "RTP/AVP"));

        Assert.Equal(488, refused.StatusCode);
        Assert.Equal(Convert.FromBase64String(K1), gw.Media.Last.SipCodecs!.SipSrtp!.ReceiveKeySalt);
        await EndAsync(peer, gw, web);
    }

    [Fact]
    public async Task The_answer_to_our_hold_with_a_new_key_gets_a_new_receive_key()
    {
        var (peer, gw, web) = await AnsweredAsync();
        peer.AnswerSdp = SrtpSdp(K2, version: 2);

        gw.Controller.OnMessage(web, new SetHold("c1", true));
        var hold = await peer.WaitForAsync(SipMethods.Invite, 2);
        await peer.WaitForAsync(SipMethods.Ack, 2);

        Assert.Contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80", Encoding.ASCII.GetString(hold.Body.Span));
        for (var i = 0; i < 200 && !gw.Media.Last.SipCodecs!.SipSrtp!.ReceiveKeySalt.SequenceEqual(Convert.FromBase64String(K2)); i++) await Task.Delay(5);
        Assert.Equal(Convert.FromBase64String(K2), gw.Media.Last.SipCodecs!.SipSrtp!.ReceiveKeySalt);
        await EndAsync(peer, gw, web);
    }

    [Fact]
    public async Task An_answer_to_our_hold_without_SRTP_ends_the_call_with_BYE()
    {
        var (peer, gw, web) = await AnsweredAsync();
        peer.AnswerSdp = SipTestPeer.PcmuSdp;

        gw.Controller.OnMessage(web, new SetHold("c1", true));

        var bye = await peer.WaitForAsync(SipMethods.Bye);
        Assert.Contains("488", bye.GetHeader("Reason"));
        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(488, (int)hangup["code"]!);
        await gw.WaitForNoCallsAsync();
        await gw.DisposeAsync();
        await peer.DisposeAsync();
    }
}
