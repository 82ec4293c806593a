namespace Gateway.Sdp.Translation;

/// <summary>A SIP caller's answered offer for an application: the answer to send, the codec picked, the caller's RTP address.</summary>
public sealed record AppAnswer(SessionDescription Sdp, NegotiatedAudio Leg, string RemoteRtpAddress, int RemoteRtpPort);

/// <summary>
/// The gateway as the answering endpoint of a SIP offer (an application: echo, playback, conference): the first
/// offered codec of the application's list, in the application's order of preference, and telephone-event/8000 when
/// offered (RFC 4733 §7.1.1), sendrecv, on plain RTP (RFC 3264 §6.1: the answer keeps the offer's m= line and formats
/// the answerer accepts).
/// </summary>
public static class AppAnswerer
{
    public static bool TryAnswer(SessionDescription? offer, RtpEndpoint local, IReadOnlyList<SdpRtpMap> preferred,
        out AppAnswer? answer, out SdpNegotiationFailure? failure)
    {
        answer = null;
        failure = null;
        if (offer is null)
        {
            failure = new SdpNegotiationFailure(488, "an application needs the SDP offer in the INVITE");
            return false;
        }
        var audio = offer.Media.FirstOrDefault(m => m.Media == "audio" && !m.IsRejected);
        if (audio is null || !audio.Protocol.Equals(SdesNegotiation.PlainProfile, StringComparison.Ordinal))
        {
            failure = new SdpNegotiationFailure(488, "an application takes one RTP/AVP audio stream");
            return false;
        }
        var offered = audio.RtpMaps;
        var codec = preferred.Select(p => offered.FirstOrDefault(o => o.SameCodec(p))).FirstOrDefault(o => o is not null);
        var address = offer.ConnectionFor(audio)?.Address;
        if (codec is null || address is null)
        {
            failure = new SdpNegotiationFailure(488, codec is null
                ? "no common codec: the application takes " + string.Join(", ", preferred.Select(p => p.Encoding + "/" + p.ClockRate))
                : "the offer has no c= address");
            return false;
        }
        var events = offered.FirstOrDefault(o => SdpBuilder.IsTelephoneEvent(o) && o.ClockRate == 8000);

        var sdp = SdpBuilder.NewSession(local.Address, withConnection: true);
        var media = new SdpMediaDescription("audio", local.Port, audio.Protocol,
            events is null ? [codec.PayloadType.ToString()] : [codec.PayloadType.ToString(), events.PayloadType.ToString()]);
        SdpBuilder.AddRtpMap(media, codec);
        if (audio.Fmtp(codec.PayloadType) is { } fmtp) media.AddAttribute("fmtp", codec.PayloadType + " " + fmtp);
        if (events is not null) SdpBuilder.AddRtpMap(media, events);
        media.AddAttribute("ptime", "20");
        media.AddAttribute("sendrecv");
        sdp.Media.Add(media);
        answer = new AppAnswer(sdp, new NegotiatedAudio(codec, events?.PayloadType), address, audio.Port);
        return true;
    }
}
