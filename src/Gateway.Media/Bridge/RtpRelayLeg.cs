namespace Gateway.Media.Bridge;

/// <summary>The two legs of an <see cref="RtpRelaySession"/>: A is the call's first leg (the caller, or the number an
/// originated call dialed first), B the other one.</summary>
public enum RtpRelayLeg
{
    A,
    B,
}
