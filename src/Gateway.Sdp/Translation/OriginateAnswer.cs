namespace Gateway.Sdp.Translation;

/// <summary>The SIP party's answer to <see cref="OriginateOffer"/>, read for an application serving that leg.</summary>
public sealed record AnsweredAudio(NegotiatedAudio Leg, string RemoteRtpAddress, int RemoteRtpPort);

/// <summary>
/// Reads the answer to the gateway's own offer (RFC 3264 §6.1, §7): its first codec that was offered is the one sent
/// and received, with the answer's payload type; telephone-event/8000 when kept; plain RTP only.
/// </summary>
public static class OriginateAnswer
{
    public static bool TryRead(SessionDescription offer, SessionDescription answer, out AnsweredAudio? audio, out SdpNegotiationFailure? failure)
    {
        audio = null;
        failure = null;
        var offered = offer.Media.FirstOrDefault(m => m.Media == "audio");
        var answered = answer.Media.FirstOrDefault(m => m.Media == "audio");
        if (offered is null || answered is null || answered.IsRejected || !answered.Protocol.Equals(SdesNegotiation.PlainProfile, StringComparison.Ordinal))
        {
            failure = new SdpNegotiationFailure(488, "the answer has no RTP/AVP audio stream");
            return false;
        }
        var codec = answered.RtpMaps.FirstOrDefault(a => !SdpBuilder.IsTelephoneEvent(a) && offered.RtpMaps.Any(o => o.SameCodec(a)));
        var address = answer.ConnectionFor(answered)?.Address;
        if (codec is null || address is null)
        {
            failure = new SdpNegotiationFailure(488, codec is null ? "the answer picks no offered codec" : "the answer has no c= address");
            return false;
        }
        var events = answered.RtpMaps.FirstOrDefault(a => SdpBuilder.IsTelephoneEvent(a) && a.ClockRate == 8000);
        audio = new AnsweredAudio(new NegotiatedAudio(codec, events?.PayloadType), address, answered.Port);
        return true;
    }
}
