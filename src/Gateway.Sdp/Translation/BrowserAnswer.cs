namespace Gateway.Sdp.Translation;

/// <summary>
/// The JSEP answer for the browser and everything the media plane needs to bridge the call: the codec and
/// telephone-event payload types on each leg, the trunk's RTP address, the direction, and the browser's
/// ICE credentials, DTLS fingerprint and the DTLS role the gateway takes.
/// </summary>
public sealed record BrowserAnswer(
    SessionDescription Sdp,
    NegotiatedAudio BrowserLeg,
    NegotiatedAudio SipLeg,
    string RemoteRtpAddress,
    int RemoteRtpPort,
    SdpDirection Direction,
    string? RemoteIceUfrag,
    string? RemoteIcePwd,
    string? RemoteFingerprint,
    bool GatewayIsDtlsServer)
{
    /// <summary>The legs run different codecs (browser Opus, SIP G.711/G.722): the media plane transcodes.</summary>
    public bool IsTranscoded => !BrowserLeg.Codec.SameCodec(SipLeg.Codec);
}
