namespace Gateway.Sdp.Translation;

/// <summary>
/// What the gateway keeps of a browser's JSEP offer while the SIP side answers: the offer itself, which
/// m-line carries the audio, the codecs the browser offered, and the peer's ICE and DTLS parameters.
/// </summary>
public sealed record BrowserOffer(
    SessionDescription Offer,
    int AudioIndex,
    IReadOnlyList<SdpRtpMap> Codecs,
    string? IceUfrag,
    string? IcePwd,
    string? Fingerprint,
    string? Setup,
    SdpDirection Direction)
{
    public SdpMediaDescription Audio => Offer.Media[AudioIndex];

    /// <summary>The a=crypto attributes (with our keys) offered toward SIP, and the trunk's SRTP mode, to read the answer by.</summary>
    public IReadOnlyList<Crypto.SdpCrypto> SipCryptos { get; init; } = [];
    public SrtpMode SipSrtp { get; init; }
    /// <summary>The browser's Opus when the SIP offer was made for transcoding (the SIP side gets G.711/G.722, the browser Opus).</summary>
    public SdpRtpMap? TranscodeFrom { get; init; }

    /// <summary>The browser's telephone-event payload type at a clock rate (RFC 4733 §2.1: the event clock follows the codec's).</summary>
    public int? TelephoneEventAt(int clockRate) =>
        Codecs.FirstOrDefault(c => c.Encoding.Equals("telephone-event", StringComparison.OrdinalIgnoreCase) && c.ClockRate == clockRate)?.PayloadType;
}
