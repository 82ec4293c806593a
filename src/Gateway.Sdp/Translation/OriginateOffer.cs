namespace Gateway.Sdp.Translation;

/// <summary>
/// The gateway's own SIP offer for a call it originates (no browser offer to translate yet, RFC 3264 §5): one RTP/AVP
/// audio stream on the gateway's SIP address with the trunk's codecs in preference order and telephone-event
/// (RFC 4733 §7.1.1), sendrecv. The SIP party's answer is then offered to the browser (<see cref="InboundTranslator"/>).
/// </summary>
public static class OriginateOffer
{
    public static bool TryCreate(RtpEndpoint sipSide, SdpTranslationPolicy policy, out SessionDescription? offer, out SdpNegotiationFailure? failure)
    {
        offer = null;
        failure = null;
        if (policy.Srtp == SrtpMode.Required)
        {
            // RFC 4568 keys would have to be carried to the browser leg's offer: not done for originated calls.
            failure = new SdpNegotiationFailure(488, "the trunk requires SRTP, which originated calls do not offer");
            return false;
        }
        if (policy.SipCodecs.Count == 0)
        {
            failure = new SdpNegotiationFailure(488, "no codec to offer (the trunk's codecs and the application's have none in common)");
            return false;
        }
        var codecs = policy.SipCodecs.ToList();
        if (policy.TelephoneEventPayloadType is { } te) codecs.Add(new SdpRtpMap(te, "telephone-event", 8000));
        var sdp = SdpBuilder.NewSession(sipSide.Address, withConnection: true);
        var media = new SdpMediaDescription("audio", sipSide.Port, SdesNegotiation.PlainProfile, codecs.Select(c => c.PayloadType.ToString()));
        foreach (var codec in codecs) SdpBuilder.AddRtpMap(media, codec);
        media.AddAttribute("ptime", policy.Ptime.ToString());
        media.AddAttribute(SdpDirection.SendRecv.ToAttribute());
        sdp.Media.Add(media);
        offer = sdp;
        return true;
    }
}
