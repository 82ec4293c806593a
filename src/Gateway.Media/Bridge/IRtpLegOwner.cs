namespace Gateway.Media.Bridge;

/// <summary>What an <see cref="RtpLeg"/> hands its received packets to: a <see cref="MediaSession"/> (web to SIP) or an
/// <see cref="RtpRelaySession"/> (SIP to SIP). Called on the leg's receive loop with the loop's buffer; no allocation.</summary>
internal interface IRtpLegOwner
{
    /// <summary>Creation time (<see cref="TimeProvider.GetTimestamp"/>); arrival times for jitter count from it.</summary>
    long Epoch { get; }

    /// <summary>A latched (and, with SDES, unprotected) RTP packet in buffer[..length]; the buffer has room for an SRTP tag.</summary>
    void OnLegRtp(RtpLeg leg, Span<byte> buffer, int length);

    /// <summary>A valid RTCP compound packet from the leg's peer, only for legs with <see cref="RtpLeg.RelaysRtcp"/>.</summary>
    void OnLegRtcp(RtpLeg leg, Span<byte> buffer, int length);
}
