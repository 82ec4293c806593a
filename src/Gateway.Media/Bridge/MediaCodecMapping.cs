namespace Gateway.Media.Bridge;

/// <summary>
/// Payload types of the one bridged codec and of telephone-event on each leg (the SDP layer negotiated them);
/// packets are forwarded without transcoding, only the payload type is rewritten.
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
}
