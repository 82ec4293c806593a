using Gateway.Media.Transcoding;

namespace Gateway.Media.Conference;

/// <summary>The frame codecs of the transcoding layer, by <see cref="AudioCodec"/>, for the mixer's decoders and encoders.</summary>
internal static class ConferenceCodecs
{
    public static IAudioFrameDecoder Decoder(AudioCodec codec, OpusCodecProvider opus) => codec == AudioCodec.Opus
        ? new OpusFrameDecoder(opus.CreateDecoder())
        : (IAudioFrameDecoder)TranscodingPaths.NarrowbandCodec(codec);

    /// <summary>Opus is coded wideband from a 16 kHz room (nothing above 8 kHz to code), full band from a 48 kHz one.</summary>
    public static IAudioFrameEncoder Encoder(AudioCodec codec, OpusCodecProvider opus, int roomRate) => codec == AudioCodec.Opus
        ? new OpusFrameEncoder(opus.CreateEncoder(roomRate == 16000 ? AudioCodec.G722 : AudioCodec.Opus))
        : TranscodingPaths.NarrowbandCodec(codec);
}
