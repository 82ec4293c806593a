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
    int? SipTelephoneEventPayloadType);
