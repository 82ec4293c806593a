using Gateway.Media.Transcoding;

namespace Gateway.Media.Conference;

/// <summary>
/// What one participant's leg negotiated: the audio codec and its payload type, and the RFC 4733 telephone-event payload
/// type (null: none), whose digits the conference reports (*6 toggles mute).
/// </summary>
public sealed record ConferenceCodec(AudioCodec Codec, byte PayloadType, byte? TelephoneEventPayloadType = null)
{
    /// <summary>Whether the mixer can decode and encode <see cref="Codec"/> (G.711, G.722, Opus).</summary>
    public bool IsMixable => Codec is AudioCodec.Pcmu or AudioCodec.Pcma or AudioCodec.G722 or AudioCodec.Opus;
}
