namespace Gateway.Sdp.Translation;

/// <summary>
/// Calls from SIP to a browser: the SIP offer (or none, for a late offer) becomes a JSEP offer the browser can
/// answer (ICE-lite, actpass, rtcp-mux, BUNDLE with one audio m-line, the same payload types as the SIP side),
/// and the browser's JSEP answer becomes the SIP answer (RFC 3264 §6) or, for a late offer, the SIP offer of the 200.
/// With <see cref="WebCodecPolicy.Opus"/> and a SIP offer without Opus, the browser is offered Opus (and telephone-event
/// at 48 kHz) and the SIP side answered in the first offered codec the media plane transcodes (G.711, G.722).
/// </summary>
public static class InboundTranslator
{
    public const string AudioMid = "0";

    /// <summary>telephone-event/48000 beside Opus on the browser leg of a transcoded call (a dynamic type, RFC 3551 §3).</summary>
    public const int BrowserTelephoneEventPayloadType = 110;

    public static bool TryCreateBrowserOffer(SessionDescription? sipOffer, WebRtcEndpoint webrtc, SdpTranslationPolicy policy,
        out SessionDescription? browserOffer, out SipOffer? state, out SdpNegotiationFailure? failure)
    {
        browserOffer = null;
        state = null;
        failure = null;
        List<SdpRtpMap> codecs;
        var direction = SdpDirection.SendRecv;
        Crypto.SdpCrypto? remoteCrypto = null;
        var profile = SdesNegotiation.OfferProfile(policy.Srtp);
        if (sipOffer is null)
        {
            codecs = [.. policy.SipCodecs];
            if (policy.TelephoneEventPayloadType is { } te) codecs.Add(new SdpRtpMap(te, "telephone-event", 8000));
        }
        else
        {
            var audio = sipOffer.Media.FirstOrDefault(m => m.Media == "audio" && !m.IsRejected
                && (m.Protocol.StartsWith(SdesNegotiation.PlainProfile, StringComparison.Ordinal) || m.Protocol.StartsWith(SdesNegotiation.SecureProfile, StringComparison.Ordinal)));
            if (audio is null)
            {
                failure = new SdpNegotiationFailure(488, "the SIP offer has no RTP/AVP or RTP/SAVP audio stream");
                return false;
            }
            // RFC 4568 §7.1.2: a=crypto accepted when the trunk allows SRTP; the answer keeps the offer's profile (RFC 3264 §6).
            if (!SdesNegotiation.TryChooseFromOffer(audio, policy.Srtp, out remoteCrypto, out failure)) return false;
            profile = audio.Protocol.StartsWith(SdesNegotiation.SecureProfile, StringComparison.Ordinal) ? SdesNegotiation.SecureProfile : SdesNegotiation.PlainProfile;
            codecs = audio.RtpMaps.Where(m => policy.SipCodecs.Any(c => c.SameCodec(m))
                || (policy.AllowOpus && m.Encoding.Equals("opus", StringComparison.OrdinalIgnoreCase))
                || (SdpBuilder.IsTelephoneEvent(m) && m.ClockRate == 8000)).ToList();
            if (!codecs.Any(c => !SdpBuilder.IsTelephoneEvent(c)))
            {
                failure = new SdpNegotiationFailure(488, "no common codec: the SIP side offers " + string.Join(", ", audio.RtpMaps.Select(m => m.Encoding + "/" + m.ClockRate)));
                return false;
            }
            direction = sipOffer.ConnectionFor(audio)?.IsHoldAddress == true ? SdpDirection.Inactive : sipOffer.DirectionFor(audio);
        }
        var transcodeTo = sipOffer is not null && policy.WebCodec == WebCodecPolicy.Opus && !codecs.Any(JsepToSipTranslator.IsOpus)
            ? codecs.FirstOrDefault(JsepToSipTranslator.IsTranscodable) : null;
        var browserCodecs = codecs;
        if (transcodeTo is not null)
        {
            browserCodecs = [new SdpRtpMap(policy.OpusPayloadType, "opus", 48000, 2)];
            if (codecs.Any(c => SdpBuilder.IsTelephoneEvent(c) && c.ClockRate == 8000))
                browserCodecs.Add(new SdpRtpMap(BrowserTelephoneEventPayloadType, "telephone-event", 48000));
        }

        var sdp = SdpBuilder.NewSession(webrtc.Address, withConnection: false);
        sdp.Lines.Add(SdpLine.Attribute("ice-lite"));
        sdp.Lines.Add(SdpLine.Attribute("group", "BUNDLE " + AudioMid));
        var media = new SdpMediaDescription("audio", webrtc.Port, "UDP/TLS/RTP/SAVPF", browserCodecs.Select(c => c.PayloadType.ToString()));
        media.Lines.Add(new SdpLine('c', SdpConnection.ForAddress(webrtc.Address).ToString()));
        media.AddAttribute("mid", AudioMid);
        media.AddAttribute("ice-ufrag", webrtc.IceUfrag);
        media.AddAttribute("ice-pwd", webrtc.IcePwd);
        media.AddAttribute("fingerprint", webrtc.FingerprintAlgorithm + " " + webrtc.Fingerprint);
        media.AddAttribute("setup", "actpass"); // RFC 5763 §5: the offerer says actpass
        media.AddAttribute("rtcp-mux");
        media.AddAttribute(direction.ToAttribute());
        foreach (var codec in browserCodecs)
        {
            SdpBuilder.AddRtpMap(media, codec);
            if (JsepToSipTranslator.IsOpus(codec)) media.AddAttribute("fmtp", codec.PayloadType + " minptime=10;useinbandfec=1"); // RFC 7587 §6.1
        }
        media.AddAttribute("candidate", webrtc.HostCandidate);
        media.AddAttribute("end-of-candidates");
        sdp.Media.Add(media);

        browserOffer = sdp;
        state = new SipOffer(sipOffer, codecs, direction) { RemoteCrypto = remoteCrypto, Profile = profile, Srtp = policy.Srtp, TranscodedSipCodec = transcodeTo };
        return true;
    }

    public static bool TryCreateSipAnswer(SipOffer state, SessionDescription browserAnswer, RtpEndpoint sipSide, SdpTranslationPolicy policy,
        out SipAnswer? answer, out SdpNegotiationFailure? failure)
    {
        answer = null;
        failure = null;
        var audio = browserAnswer.Media.FirstOrDefault(m => m.Media == "audio");
        if (audio is null || audio.IsRejected)
        {
            failure = new SdpNegotiationFailure(488, "the browser rejected the audio stream");
            return false;
        }
        NegotiatedAudio? webLeg = null;
        SdpRtpMap codec;
        SdpRtpMap? te;
        if (state.TranscodedSipCodec is { } sipCodec)
        {
            // The browser was offered Opus only: its answer must keep it; the SIP side gets the transcoded codec.
            if (audio.RtpMaps.FirstOrDefault(JsepToSipTranslator.IsOpus) is not { } opus)
            {
                failure = new SdpNegotiationFailure(488, "the browser's answer holds no Opus");
                return false;
            }
            var webTe = audio.RtpMaps.FirstOrDefault(m => SdpBuilder.IsTelephoneEvent(m) && m.ClockRate == 48000);
            te = webTe is null ? null : state.Codecs.FirstOrDefault(c => SdpBuilder.IsTelephoneEvent(c) && c.ClockRate == 8000);
            codec = sipCodec;
            webLeg = new NegotiatedAudio(opus, te is null ? null : webTe!.PayloadType);
        }
        else
        {
            var chosen = audio.RtpMaps.FirstOrDefault(m => !SdpBuilder.IsTelephoneEvent(m) && state.Codecs.Any(c => c.SameCodec(m)));
            if (chosen is null)
            {
                failure = new SdpNegotiationFailure(488, "the browser's answer holds no offered codec");
                return false;
            }
            codec = state.Codecs.First(c => c.SameCodec(chosen));
            te = state.Codecs.FirstOrDefault(c => SdpBuilder.IsTelephoneEvent(c) && c.ClockRate == codec.ClockRate);
            if (te is not null && !audio.RtpMaps.Any(m => SdpBuilder.IsTelephoneEvent(m) && m.ClockRate == codec.ClockRate)) te = null;
        }
        var direction = browserAnswer.DirectionFor(audio);

        var sdp = SdpBuilder.NewSession(sipSide.Address, withConnection: true);
        var formats = new List<string> { codec.PayloadType.ToString() };
        if (te is not null) formats.Add(te.PayloadType.ToString());
        var media = new SdpMediaDescription("audio", sipSide.Port, state.Profile, formats);
        SdpBuilder.AddRtpMap(media, codec);
        if (te is not null) SdpBuilder.AddRtpMap(media, te);
        media.AddAttribute("ptime", policy.Ptime.ToString());
        media.AddAttribute(direction.ToAttribute());
        // Answer to a=crypto (RFC 4568 §7.1.2), or, for a late offer, our own offer of both suites.
        SdesKeys? keys = state.RemoteCrypto is { } remote ? SdesNegotiation.Answer(media, remote) : null;
        var lateOffered = state.IsLateOffer ? SdesNegotiation.AddOffer(media, state.Srtp) : [];
        sdp.Media.Add(media);

        SdpMediaDescription? sipAudio = state.Offer?.Media.FirstOrDefault(m => m.Media == "audio" && !m.IsRejected);
        var setup = browserAnswer.AttributeFor(audio, "setup");
        answer = new SipAnswer(sdp, new NegotiatedAudio(codec, te?.PayloadType) { Srtp = keys },
            sipAudio is null ? null : state.Offer!.ConnectionFor(sipAudio)?.Address, sipAudio?.Port, direction,
            browserAnswer.AttributeFor(audio, "ice-ufrag"), browserAnswer.AttributeFor(audio, "ice-pwd"),
            browserAnswer.AttributeFor(audio, "fingerprint"), GatewayIsDtlsServer: setup != "passive")
        {
            OfferedCryptos = lateOffered,
            Srtp = state.Srtp,
            WebLeg = webLeg,
        };
        return true;
    }

    /// <summary>
    /// Late offer (RFC 3261 §13.2.1): the gateway's offer went in the 200, the trunk's answer comes in the ACK.
    /// Fills in the trunk's RTP address and checks that the answer keeps the offered codec.
    /// </summary>
    public static bool TryApplyLateAnswer(SipAnswer offerIn200, SessionDescription answerInAck, out SipAnswer? completed, out SdpNegotiationFailure? failure)
    {
        completed = null;
        failure = null;
        var audio = answerInAck.Media.FirstOrDefault(m => m.Media == "audio");
        if (audio is null || audio.IsRejected || answerInAck.ConnectionFor(audio) is not { } connection)
        {
            failure = new SdpNegotiationFailure(488, "the answer in the ACK rejects the audio stream or has no c=");
            return false;
        }
        if (!audio.RtpMaps.Any(m => m.SameCodec(offerIn200.Leg.Codec)))
        {
            failure = new SdpNegotiationFailure(488, $"the answer in the ACK does not accept {offerIn200.Leg.Codec.Encoding}/{offerIn200.Leg.Codec.ClockRate}");
            return false;
        }
        var te = offerIn200.Leg.TelephoneEventPayloadType is { } pt && audio.RtpMaps.Any(m => m.PayloadType == pt) ? pt : (int?)null;
        if (!SdesNegotiation.TryAcceptAnswer(offerIn200.OfferedCryptos, offerIn200.Srtp, audio, out var keys, out failure)) return false;
        completed = offerIn200 with
        {
            Leg = offerIn200.Leg with { TelephoneEventPayloadType = te, Srtp = keys },
            RemoteRtpAddress = connection.Address,
            RemoteRtpPort = audio.Port,
        };
        return true;
    }
}
