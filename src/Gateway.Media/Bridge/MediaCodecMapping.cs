using Gateway.Media.Transcoding;

namespace Gateway.Media.Bridge;

/// <summary>
/// Payload types of the one bridged codec and of telephone-event on each leg (the SDP layer negotiated them). Without
/// <see cref="Transcoding"/> packets are forwarded as they are, only the payload type is rewritten; with it the web leg's
/// Opus is transcoded to and from the SIP leg's codec. <see cref="ClockRate"/> is the SIP leg's RTP clock.
/// </summary>
public sealed record MediaCodecMapping(
    int WebPayloadType,
    int SipPayloadType,
    int ClockRate,
    int? WebTelephoneEventPayloadType,
    int? SipTelephoneEventPayloadType)
{
    /// <summary>SDES keys for SRTP on the SIP leg (RFC 4568), null for plain RTP.</summary>
    public Srtp.SdesSrtpKeys? SipSrtp { get; init; }
    /// <summary>Null: relay. Set: transcode web Opus &lt;-&gt; <see cref="MediaTranscoding.SipCodec"/>.</summary>
    public MediaTranscoding? Transcoding { get; init; }

    /// <summary>The web leg's RTP clock (48000 when transcoding from Opus).</summary>
    public int WebClockRate => Transcoding?.WebClockRate ?? ClockRate;

    /// <summary>
    /// The mapping for two negotiated codecs (SDP encoding name, payload type, clock rate): a relay when they are the
    /// same codec, transcoding when the web leg has Opus and the SIP leg G.711 or G.722.
    /// </summary>
    public static MediaCodecMapping Between(string webEncoding, int webPayloadType, int webClockRate, int? webTelephoneEvent,
        string sipEncoding, int sipPayloadType, int sipClockRate, int? sipTelephoneEvent)
    {
        var web = AudioCodecs.FromEncoding(webEncoding, webClockRate);
        var sip = AudioCodecs.FromEncoding(sipEncoding, sipClockRate);
        var mapping = new MediaCodecMapping(webPayloadType, sipPayloadType, sipClockRate, webTelephoneEvent, sipTelephoneEvent);
        return web == AudioCodec.Opus && AudioCodecs.IsNarrowbandOrWideband(sip)
            ? mapping with { Transcoding = new MediaTranscoding(sip, webClockRate) }
            : mapping;
    }
}
