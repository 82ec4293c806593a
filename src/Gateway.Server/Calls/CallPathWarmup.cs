using System.Text;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Sip.Messages;

namespace Gateway.Server.Calls;

/// <summary>
/// Runs the call setup path once on a made-up call at startup (SDP parse and translation both ways, SIP message
/// build, serialize and parse), off the startup thread, so the first real call does not pay for the JIT (~200 ms).
/// Nothing is sent anywhere.
/// </summary>
internal static class CallPathWarmup
{
    private const string BrowserOffer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 126\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=mid:0\r\na=ice-ufrag:warm\r\na=ice-pwd:warmwarmwarmwarmwarmwarm\r\na=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n" +
        "a=setup:actpass\r\na=rtcp-mux\r\na=sendrecv\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:126 telephone-event/8000\r\n";

    public static void Run()
    {
        if (!SessionDescription.TryParse(BrowserOffer, out var offer, out _)) return;
        var web = new WebRtcEndpoint("127.0.0.1", 9, "ufrag", "pwdpwdpwdpwdpwdpwdpwdpwd", "sha-256", "00:11");
        if (!JsepToSipTranslator.TryCreateSipOffer(offer!, new RtpEndpoint("127.0.0.1", 9), SdpTranslationPolicy.Default, out var sipOffer, out var browser, out _)) return;
        var invite = SipRequest.Create(SipMethods.Invite, SipUri.Parse("sip:+14155550100@127.0.0.1:5060"));
        invite.AddHeader(SipHeaderNames.Via, "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKwarm;rport");
        invite.AddHeader(SipHeaderNames.MaxForwards, "70");
        invite.AddHeader(SipHeaderNames.From, "<sip:warm@gateway.local>;tag=1");
        invite.AddHeader(SipHeaderNames.To, "<sip:+14155550100@127.0.0.1>");
        invite.AddHeader(SipHeaderNames.CallId, "warmup");
        invite.AddHeader(SipHeaderNames.CSeq, "1 INVITE");
        invite.AddHeader(SipHeaderNames.Contact, "<sip:gateway@127.0.0.1:5060>");
        SipCallLeg.SetSdp(invite, sipOffer!);
        if (!SipMessage.TryParse(invite.ToArray(), out var parsed, out _) || parsed is not SipRequest request) return;
        var ok = SipResponse.CreateFor(request, 200, toTag: "2");
        SipCallLeg.SetSdp(ok, sipOffer!);
        if (!SipMessage.TryParse(ok.ToArray(), out var answer, out _) || SipCallLeg.ReadSdp(answer!) is not { } sipAnswer) return;
        if (SipToJsepTranslator.TryCreateBrowserAnswer(browser!, sipAnswer, web, out var jsep, out _))
            _ = Encoding.UTF8.GetByteCount(jsep!.Sdp.ToString());
        _ = SessionExpiresValue.TryParse(request.GetHeader(SipHeaderNames.SessionExpires) ?? "1800;refresher=uac", out _);
    }
}
