namespace Gateway.Media.Transcoding;

/// <summary>The codecs the media plane can decode and encode (RFC 3551 §4.5, RFC 7587 for Opus).</summary>
public enum AudioCodec
{
    /// <summary>A codec the gateway only relays (never transcodes).</summary>
    Other,
    /// <summary>G.711 µ-law, static payload type 0, 8 kHz.</summary>
    Pcmu,
    /// <summary>G.711 A-law, static payload type 8, 8 kHz.</summary>
    Pcma,
    /// <summary>G.722, static payload type 9: 16 kHz audio on an 8 kHz RTP clock (RFC 3551 §4.5.2).</summary>
    G722,
    /// <summary>Opus, dynamic payload type, 48 kHz RTP clock (RFC 7587 §4.1).</summary>
    Opus,
}

/// <summary>SDP encoding names (a=rtpmap) to <see cref="AudioCodec"/>.</summary>
public static class AudioCodecs
{
    public static AudioCodec FromEncoding(string encoding, int clockRate) => encoding.ToUpperInvariant() switch
    {
        "PCMU" when clockRate == 8000 => AudioCodec.Pcmu,
        "PCMA" when clockRate == 8000 => AudioCodec.Pcma,
        "G722" when clockRate == 8000 => AudioCodec.G722,
        "OPUS" when clockRate == 48000 => AudioCodec.Opus,
        _ => AudioCodec.Other,
    };

    /// <summary>Whether the gateway can decode and encode the SIP side's codec for Opus transcoding.</summary>
    public static bool IsNarrowbandOrWideband(AudioCodec codec) => codec is AudioCodec.Pcmu or AudioCodec.Pcma or AudioCodec.G722;
}
