namespace Gateway.Sdp.Translation;

/// <summary>
/// Turns the trunk's SIP answer into the JSEP answer for the browser (RFC 3264 §6, RFC 8829 §5.3): every
/// offered m-line answered in order, audio accepted with the codec the trunk chose (mapped to the browser's
/// payload types), the others rejected with port 0; ICE-lite, the gateway's candidate, ice-ufrag/pwd,
/// fingerprint, a=setup (RFC 5763 §5), rtcp-mux and a BUNDLE group holding only the audio mid. When the offer was made
/// for transcoding, the browser leg is Opus and the SIP leg the trunk's codec (<see cref="BrowserAnswer.IsTranscoded"/>).
/// </summary>
public static class SipToJsepTranslator
{
    public static bool TryCreateBrowserAnswer(BrowserOffer browser, SessionDescription sipAnswer, WebRtcEndpoint webrtc,
        out BrowserAnswer? answer, out SdpNegotiationFailure? failure)
    {
        answer = null;
        failure = null;
        var sipAudio = sipAnswer.Media.FirstOrDefault(m => m.Media == "audio");
        if (sipAudio is null || sipAudio.IsRejected)
        {
            failure = new SdpNegotiationFailure(488, "the SIP side rejected the audio stream");
            return false;
        }
        if (sipAnswer.ConnectionFor(sipAudio) is not { } connection)
        {
            failure = new SdpNegotiationFailure(488, "the SIP answer has no connection address (c=)");
            return false;
        }

        // RFC 3264 §6.1: the answerer lists the codecs it will use, preferred first; take the first the browser offered.
        var sipMaps = sipAudio.RtpMaps;
        SdpRtpMap? sipCodec = null, browserCodec = null;
        foreach (var candidate in sipMaps.Where(m => !SdpBuilder.IsTelephoneEvent(m)))
        {
            // An offer made for transcoding gives the browser Opus unless the SIP side took Opus itself (then relayed).
            browserCodec = browser.TranscodeFrom is { } opus && JsepToSipTranslator.IsTranscodable(candidate) ? opus
                : browser.Codecs.FirstOrDefault(b => b.SameCodec(candidate));
            if (browserCodec is not null) { sipCodec = candidate; break; }
        }
        if (sipCodec is null || browserCodec is null)
        {
            failure = new SdpNegotiationFailure(488, "the SIP answer holds no codec the browser offered: " +
                string.Join(", ", sipMaps.Select(m => m.Encoding + "/" + m.ClockRate)));
            return false;
        }
        if (!SdesNegotiation.TryAcceptAnswer(browser.SipCryptos, browser.SipSrtp, sipAudio, out var srtp, out failure)) return false;
        // RFC 4733 §2.1: each leg's events run at its audio clock (48000 beside Opus); the media plane rescales them.
        var sipTe = sipMaps.FirstOrDefault(m => SdpBuilder.IsTelephoneEvent(m) && m.ClockRate == sipCodec.ClockRate)?.PayloadType;
        var browserTe = sipTe is null ? null : browser.TelephoneEventAt(browserCodec.ClockRate);

        // RFC 3264 §8.4: c=0.0.0.0 is the old way to hold.
        var direction = connection.IsHoldAddress ? SdpDirection.Inactive : sipAnswer.DirectionFor(sipAudio);
        direction = Compatible(direction, browser.Direction);

        var sdp = SdpBuilder.NewSession(webrtc.Address, withConnection: false);
        sdp.Lines.Add(SdpLine.Attribute("ice-lite"));
        if (browser.Audio.Mid is { } audioMid) sdp.Lines.Add(SdpLine.Attribute("group", "BUNDLE " + audioMid));
        for (var i = 0; i < browser.Offer.Media.Count; i++)
            sdp.Media.Add(i == browser.AudioIndex ? AudioAnswer(browser, webrtc, browserCodec, browserTe, direction) : Rejected(browser.Offer.Media[i]));

        var gatewayIsServer = browser.Setup is not "passive";
        answer = new BrowserAnswer(sdp,
            new NegotiatedAudio(browserCodec, browserTe),
            new NegotiatedAudio(sipCodec, sipTe) { Srtp = srtp },
            connection.Address, sipAudio.Port, direction,
            browser.IceUfrag, browser.IcePwd, browser.Fingerprint, gatewayIsServer);
        return true;
    }

    private static SdpMediaDescription AudioAnswer(BrowserOffer browser, WebRtcEndpoint webrtc, SdpRtpMap codec, int? te, SdpDirection direction)
    {
        var formats = new List<string> { codec.PayloadType.ToString() };
        if (te is { } t) formats.Add(t.ToString());
        var media = new SdpMediaDescription("audio", webrtc.Port, browser.Audio.Protocol, formats);
        media.Lines.Add(new SdpLine('c', SdpConnection.ForAddress(webrtc.Address).ToString()));
        if (browser.Audio.Mid is { } mid) media.AddAttribute("mid", mid);
        media.AddAttribute("ice-ufrag", webrtc.IceUfrag);
        media.AddAttribute("ice-pwd", webrtc.IcePwd);
        media.AddAttribute("fingerprint", webrtc.FingerprintAlgorithm + " " + webrtc.Fingerprint);
        // RFC 5763 §5: the answerer to actpass picks; the gateway is the DTLS server (passive) unless the browser insists on passive.
        media.AddAttribute("setup", browser.Setup == "passive" ? "active" : "passive");
        media.AddAttribute("rtcp-mux");
        media.AddAttribute(direction.ToAttribute());
        SdpBuilder.AddRtpMap(media, codec);
        // RFC 7587 §6.1: ask the browser for in-band FEC, which the gateway's decoder uses on a loss.
        if (JsepToSipTranslator.IsOpus(codec)) media.AddAttribute("fmtp", codec.PayloadType + " minptime=10;useinbandfec=1");
        if (te is { } tePt) SdpBuilder.AddRtpMap(media, new SdpRtpMap(tePt, "telephone-event", codec.ClockRate));
        media.AddAttribute("candidate", webrtc.HostCandidate);
        media.AddAttribute("end-of-candidates");
        return media;
    }

    /// <summary>RFC 3264 §6: a rejected stream keeps its media type and protocol with port 0 (and its mid, RFC 8843 §7.3.3).</summary>
    private static SdpMediaDescription Rejected(SdpMediaDescription offered)
    {
        var media = new SdpMediaDescription(offered.Media, 0, offered.Protocol, offered.Formats.Take(1));
        if (offered.Mid is { } mid) media.AddAttribute("mid", mid);
        return media;
    }

    /// <summary>RFC 3264 §6.1: an answer may not send where the offer does not receive, nor receive where it does not send.</summary>
    private static SdpDirection Compatible(SdpDirection wanted, SdpDirection offered)
    {
        var send = wanted is SdpDirection.SendRecv or SdpDirection.SendOnly && offered is SdpDirection.SendRecv or SdpDirection.RecvOnly;
        var receive = wanted is SdpDirection.SendRecv or SdpDirection.RecvOnly && offered is SdpDirection.SendRecv or SdpDirection.SendOnly;
        return (send, receive) switch
        {
            (true, true) => SdpDirection.SendRecv,
            (true, false) => SdpDirection.SendOnly,
            (false, true) => SdpDirection.RecvOnly,
            _ => SdpDirection.Inactive,
        };
    }
}
