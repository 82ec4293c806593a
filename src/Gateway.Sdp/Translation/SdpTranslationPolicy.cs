namespace Gateway.Sdp.Translation;

/// <summary>
/// What the gateway offers toward SIP and how it answers the browser. One small record, set per trunk.
/// Default: PCMU, PCMA, G722, then telephone-event/8000 at payload type 101; Opus only when the trunk allows it.
/// </summary>
public sealed record SdpTranslationPolicy
{
    /// <summary>Codecs the SIP side may use, in preference order (no transcoding: the browser must offer them too).</summary>
    public IReadOnlyList<SdpRtpMap> SipCodecs { get; init; } =
    [
        new(0, "PCMU", 8000),
        new(8, "PCMA", 8000),
        new(9, "G722", 8000),
    ];

    /// <summary>Offer Opus toward SIP (after the G.711/G.722 codecs) when the trunk supports it.</summary>
    public bool AllowOpus { get; init; }
    public int OpusPayloadType { get; init; } = 111;

    /// <summary>Relay RFC 4733 DTMF as telephone-event toward SIP at this payload type (null: never offer it).</summary>
    public int? TelephoneEventPayloadType { get; init; } = 101;

    public int Ptime { get; init; } = 20;

    /// <summary>SRTP with SDES keys on the SIP leg (RFC 4568): off, best effort (optional) or required.</summary>
    public SrtpMode Srtp { get; init; }
    /// <summary>
    /// What the browser gets: <see cref="WebCodecPolicy.Passthrough"/> relays a codec both sides share, and transcodes
    /// the browser's Opus only when they share none; <see cref="WebCodecPolicy.Opus"/> always gives the browser Opus,
    /// transcoded to the SIP side's codec (dialplan <c>web_codec</c>).
    /// </summary>
    public WebCodecPolicy WebCodec { get; init; } = WebCodecPolicy.Passthrough;

    public static SdpTranslationPolicy Default { get; } = new();
}

/// <summary>The dialplan's <c>web_codec</c>: relay the negotiated codec, or Opus toward the browser with transcoding.</summary>
public enum WebCodecPolicy { Passthrough, Opus }
