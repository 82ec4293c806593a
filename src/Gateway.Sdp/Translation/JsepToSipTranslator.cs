namespace Gateway.Sdp.Translation;

/// <summary>
/// Turns a browser's JSEP offer into the SIP offer the gateway sends to a trunk (RFC 3264 §5): one audio
/// stream, RTP/AVP (RTP/SAVP with a=crypto when the trunk requires SRTP, RFC 4568), the policy's codecs that the browser also offers, telephone-event/8000,
/// no ICE or DTLS attributes. Video and data channel m-lines are not offered toward SIP; they are rejected
/// in the browser's answer later (<see cref="SipToJsepTranslator"/>). Transcoding (the browser's Opus to the SIP side's
/// G.711/G.722, <see cref="TranscodableCodecs"/>) is offered when the policy's web codec is Opus, or when the two sides
/// share no codec and the browser offers Opus.
/// </summary>
public static class JsepToSipTranslator
{
    private static readonly string[] WebRtcAudioProtocols = ["UDP/TLS/RTP/SAVPF", "UDP/TLS/RTP/SAVP", "RTP/SAVPF"];

    public static bool TryCreateSipOffer(SessionDescription browserOffer, RtpEndpoint sipSide, SdpTranslationPolicy policy,
        out SessionDescription? sipOffer, out BrowserOffer? browser, out SdpNegotiationFailure? failure)
    {
        sipOffer = null;
        browser = null;
        failure = null;

        var audioIndex = browserOffer.Media.FindIndex(m => m.Media == "audio" && !m.IsRejected && WebRtcAudioProtocols.Contains(m.Protocol));
        if (audioIndex < 0)
        {
            failure = new SdpNegotiationFailure(488, browserOffer.Media.Count == 0
                ? "the offer has no media"
                : "the offer has no audio stream over UDP/TLS/RTP/SAVPF: only audio calls can be bridged to SIP");
            return false;
        }
        if (WebRtcOfferCheck.Check(browserOffer) is { } unusable)
        {
            failure = unusable.ToFailure();
            return false;
        }
        var audio = browserOffer.Media[audioIndex];
        var offered = audio.RtpMaps;
        var direction = browserOffer.DirectionFor(audio);

        var codecs = new List<SdpRtpMap>();
        foreach (var allowed in policy.SipCodecs)
            if (offered.Any(o => o.SameCodec(allowed))) codecs.Add(allowed);
        if (policy.AllowOpus && offered.FirstOrDefault(o => o.Encoding.Equals("opus", StringComparison.OrdinalIgnoreCase)) is { } opus)
            codecs.Add(opus with { PayloadType = policy.OpusPayloadType });
        var browserOpus = offered.FirstOrDefault(IsOpus);
        var transcodable = policy.SipCodecs.Where(IsTranscodable).ToList();
        var transcode = browserOpus is not null && transcodable.Count > 0 && (policy.WebCodec == WebCodecPolicy.Opus || codecs.Count == 0);
        if (transcode)
        {
            // RFC 3264 §5: the SIP side may pick any of these; the browser gets Opus whatever it picks.
            codecs = [.. transcodable.Concat(codecs.Where(c => !transcodable.Any(t => t.SameCodec(c))))];
        }
        if (codecs.Count == 0)
        {
            var names = string.Join(", ", offered.Where(o => !SdpBuilder.IsTelephoneEvent(o)).Select(o => o.Encoding + "/" + o.ClockRate).Distinct());
            var allowedNames = string.Join(", ", policy.SipCodecs.Select(c => c.Encoding));
            failure = new SdpNegotiationFailure(488, $"no common codec: the browser offers {names}; the SIP side allows {allowedNames}");
            return false;
        }

        var sip = SdpBuilder.NewSession(sipSide.Address, withConnection: true);
        var media = new SdpMediaDescription("audio", sipSide.Port, SdesNegotiation.OfferProfile(policy.Srtp), codecs.Select(c => c.PayloadType.ToString()));
        foreach (var codec in codecs) SdpBuilder.AddRtpMap(media, codec);
        if (policy.TelephoneEventPayloadType is { } te && offered.Any(o => SdpBuilder.IsTelephoneEvent(o) && (o.ClockRate == 8000 || transcode)))
        {
            media.Formats.Add(te.ToString());
            SdpBuilder.AddRtpMap(media, new SdpRtpMap(te, "telephone-event", 8000));
        }
        media.AddAttribute("ptime", policy.Ptime.ToString());
        media.AddAttribute(direction.ToAttribute());
        var cryptos = SdesNegotiation.AddOffer(media, policy.Srtp);
        sip.Media.Add(media);

        sipOffer = sip;
        browser = new BrowserOffer(browserOffer, audioIndex, offered,
            browserOffer.AttributeFor(audio, "ice-ufrag"), browserOffer.AttributeFor(audio, "ice-pwd"),
            browserOffer.AttributeFor(audio, "fingerprint"), browserOffer.AttributeFor(audio, "setup"), direction)
        {
            SipCryptos = cryptos,
            SipSrtp = policy.Srtp,
            TranscodeFrom = transcode ? browserOpus : null,
        };
        return true;
    }

    /// <summary>The SIP codecs the media plane can transcode from and to Opus.</summary>
    public static bool IsTranscodable(SdpRtpMap codec) => codec.ClockRate == 8000
        && (codec.Encoding.Equals("PCMU", StringComparison.OrdinalIgnoreCase) || codec.Encoding.Equals("PCMA", StringComparison.OrdinalIgnoreCase)
            || codec.Encoding.Equals("G722", StringComparison.OrdinalIgnoreCase));

    /// <summary>RFC 7587 §7: opus/48000/2.</summary>
    public static bool IsOpus(SdpRtpMap codec) => codec.Encoding.Equals("opus", StringComparison.OrdinalIgnoreCase) && codec.ClockRate == 48000;
}
