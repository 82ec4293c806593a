using Gateway.Sdp;
using Gateway.Server.Signaling;

namespace Gateway.Server.Calls;

// Sub-states of an answered call (owned by SipBridgedCall while the call is Active), each explicit instead of a flag.

/// <summary>The browser's hold (RFC 3264 §8.4: our direction toward SIP is sendonly while held).</summary>
internal enum HoldState { Resumed, Held }

/// <summary>What a re-INVITE of ours is for.</summary>
internal enum ReInvitePurpose { Hold, Resume, SessionRefresh }

/// <summary>
/// Our re-INVITE in progress (RFC 3261 §14.1): at most one; a peer's re-INVITE meanwhile is answered 491 (glare),
/// ours met with 491 is tried once more after a random wait.
/// </summary>
internal sealed record PendingReInvite(ReInvitePurpose Purpose, SessionDescription Offer, IWebSession? Session)
{
    /// <summary>The INVITEs sent so far (1, or 2 after a 491).</summary>
    public int Tries { get; init; } = 1;
    public ReInvitePhase Phase { get; init; } = ReInvitePhase.Sent;
}

/// <summary>Sent and awaiting its final response, or waiting out the §14.1 random delay after a 491.</summary>
internal enum ReInvitePhase { Sent, WaitingToRetry }

/// <summary>RFC 8838 §8.2: the browser's trickle generation is open until its end-of-candidates.</summary>
internal enum CandidatesState { Trickling, Complete }

/// <summary>A transfer in progress: the gateway as transferor (browser "transfer") or as transferee (REFER from SIP).</summary>
internal abstract record Transfer;

/// <summary>RFC 3515 as transferor: REFER sent (<see cref="TransferorPhase.Referring"/>), then 202 (waiting for NOTIFY).</summary>
internal sealed record TransferorTransfer(TransferorPhase Phase) : Transfer;

internal enum TransferorPhase { Referring, Accepted }

/// <summary>
/// RFC 3515 / RFC 5589 §6 as transferee: the new leg is being dialed, then it replaced <see cref="OldLeg"/>, whose
/// requests are still answered until its BYE (<see cref="OldLegGone"/>) or ours.
/// </summary>
internal sealed record TransfereeTransfer(SipCallLeg OldLeg) : Transfer
{
    public TransfereePhase Phase { get; init; } = TransfereePhase.Dialing;
    public ReplacedLegState OldLegState { get; init; } = ReplacedLegState.Up;
    public bool OldLegGone => OldLegState == ReplacedLegState.ByeReceived;
}

internal enum TransfereePhase { Dialing, Replaced }

internal enum ReplacedLegState { Up, ByeReceived }

/// <summary>INVITE provisional sent to the SIP caller while the browsers are offered the call.</summary>
internal enum OfferProgress { Trying, Ringing }
