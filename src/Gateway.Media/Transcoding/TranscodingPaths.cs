namespace Gateway.Media.Transcoding;

/// <summary>Builds the two directions of a transcoded call: web Opus -> SIP codec and SIP codec -> web Opus.</summary>
internal static class TranscodingPaths
{
    public static (TranscodingPath WebToSip, TranscodingPath SipToWeb) Create(OpusCodecProvider opus, Bridge.MediaCodecMapping codecs,
        MediaTranscoding mode, uint sipSsrc, uint webSsrc)
    {
        var webToSip = new TranscodingPath(new OpusFrameDecoder(opus.CreateDecoder()), NarrowbandCodec(mode.SipCodec),
            new TranscodingPayloads((byte)codecs.WebPayloadType, (byte)codecs.SipPayloadType, EventPt(codecs.WebTelephoneEventPayloadType, codecs.SipTelephoneEventPayloadType),
                (byte?)codecs.SipTelephoneEventPayloadType, mode.WebClockRate, codecs.ClockRate), sipSsrc);
        var sipToWeb = new TranscodingPath((IAudioFrameDecoder)NarrowbandCodec(mode.SipCodec), new OpusFrameEncoder(opus.CreateEncoder(mode.SipCodec)),
            new TranscodingPayloads((byte)codecs.SipPayloadType, (byte)codecs.WebPayloadType, EventPt(codecs.SipTelephoneEventPayloadType, codecs.WebTelephoneEventPayloadType),
                (byte?)codecs.WebTelephoneEventPayloadType, codecs.ClockRate, mode.WebClockRate), webSsrc);
        return (webToSip, sipToWeb);
    }

    /// <summary>Events cross only when both legs negotiated telephone-event; 255 matches no payload type.</summary>
    private static byte EventPt(int? input, int? output) => input is int i && output is not null ? (byte)i : (byte)255;

    internal static IAudioFrameEncoder NarrowbandCodec(AudioCodec codec) => codec switch
    {
        AudioCodec.Pcmu => new G711FrameCodec(muLaw: true),
        AudioCodec.Pcma => new G711FrameCodec(muLaw: false),
        AudioCodec.G722 => new G722FrameCodec(),
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "not a SIP codec the gateway transcodes"),
    };
}

/// <summary>
/// Set on a <see cref="Bridge.MediaCodecMapping"/> when the legs run different codecs: the web leg Opus at 48 kHz, the SIP
/// leg <see cref="SipCodec"/>; the media plane decodes and re-encodes instead of relaying.
/// </summary>
public sealed record MediaTranscoding(AudioCodec SipCodec, int WebClockRate = OpusCodecProvider.SampleRate);
