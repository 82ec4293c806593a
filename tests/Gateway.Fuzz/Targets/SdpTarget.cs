using System.Text;
using Gateway.Sdp;
using Gateway.Sdp.Translation;

namespace Gateway.Fuzz.Targets;

/// <summary>
/// An SDP body from a browser or a trunk (RFC 8866): parse, check the byte-exact round trip the parser promises, then
/// put the parsed description through every JSEP&lt;-&gt;SIP translation (RFC 3264 offer/answer) in each role it can
/// take: browser offer, SIP answer, SIP offer, browser answer, late answer in an ACK, re-offer.
/// </summary>
public static class SdpTarget
{
    public const string Name = "sdp";

    private static readonly RtpEndpoint SipSide = new("192.0.2.10", 40000);
    private static readonly WebRtcEndpoint WebRtc = new("192.0.2.20", 50000, "ufrag", "icepasswordicepassword",
        "sha-256", "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89");
    private static readonly SdpTranslationPolicy WithOpus = SdpTranslationPolicy.Default with { AllowOpus = true };

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (!SessionDescription.TryParse(input, out var sdp, out var refused) || sdp is null)
        {
            // The parser turns its own exceptions into this error (defence in depth): for the fuzzer that is a crash.
            FuzzInvariant.Check(refused?.Message.StartsWith("internal SDP parser error", StringComparison.Ordinal) != true, refused!.ToString());
            return;
        }
        var text = sdp.ToString();
        FuzzInvariant.Check(SessionDescription.TryParse(text, out var again, out var error) && again is not null,
            $"a parsed SDP did not parse again after ToString: {error}");
        FuzzInvariant.Check(again!.ToString() == text, "ToString of the reparsed SDP differs");
        FuzzInvariant.Check(text == Encoding.UTF8.GetString(input), "a parsed SDP did not serialize back to its input bytes");

        Touch(sdp);
        Outbound(sdp, SdpTranslationPolicy.Default);
        Outbound(sdp, WithOpus);
        Inbound(sdp, SdpTranslationPolicy.Default);
        foreach (var direction in (ReadOnlySpan<SdpDirection>)[SdpDirection.SendOnly, SdpDirection.Inactive, SdpDirection.SendRecv])
            _ = SdpReoffer.WithDirection(sdp, direction).ToString();
    }

    private static void Touch(SessionDescription sdp)
    {
        _ = (sdp.Connection, sdp.Direction, sdp.GetAttribute("ice-ufrag"), sdp.GetAttributes("group").Count());
        foreach (var media in sdp.Media)
        {
            _ = (media.Media, media.Port, media.Protocol, media.IsRejected, media.Connection, media.Direction, media.RtpMaps.Count);
            _ = (sdp.ConnectionFor(media), sdp.DirectionFor(media), sdp.AttributeFor(media, "fingerprint"));
        }
    }

    /// <summary>Browser to SIP (RFC 3264 §5, §6): the input as the browser's offer, then as the trunk's answer.</summary>
    private static void Outbound(SessionDescription sdp, SdpTranslationPolicy policy)
    {
        if (!JsepToSipTranslator.TryCreateSipOffer(sdp, SipSide, policy, out var sipOffer, out var browser, out _)) return;
        _ = sipOffer!.ToString();
        if (SipToJsepTranslator.TryCreateBrowserAnswer(browser!, sdp, WebRtc, out var answer, out _)) _ = answer!.Sdp.ToString();
        if (SipToJsepTranslator.TryCreateBrowserAnswer(browser!, sipOffer, WebRtc, out var echoed, out _)) _ = echoed!.Sdp.ToString();
    }

    /// <summary>SIP to browser: the input as the trunk's offer, then as the browser's answer and as an ACK's late answer.</summary>
    private static void Inbound(SessionDescription sdp, SdpTranslationPolicy policy)
    {
        foreach (var offer in (ReadOnlySpan<SessionDescription?>)[sdp, null])
        {
            if (!InboundTranslator.TryCreateBrowserOffer(offer, WebRtc, policy, out var browserOffer, out var state, out _)) continue;
            _ = browserOffer!.ToString();
            if (!InboundTranslator.TryCreateSipAnswer(state!, sdp, SipSide, policy, out var sipAnswer, out _)) continue;
            _ = sipAnswer!.Sdp.ToString();
            if (InboundTranslator.TryApplyLateAnswer(sipAnswer, sdp, out var completed, out _)) _ = completed!.Sdp.ToString();
        }
    }
}
