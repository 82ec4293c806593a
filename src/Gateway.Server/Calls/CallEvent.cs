using Gateway.Dialplan;
using Gateway.Media.Bridge;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;
using Gateway.Sip.Transport;

namespace Gateway.Server.Calls;

/// <summary>
/// Everything that can happen to a call, as posted to its <see cref="CallMailbox"/>. Outside events (the browser, the
/// SIP peer) can be refused when the queue is full; <see cref="Internal"/> ones (timers, results of the call's own
/// requests) never are, so no step the call started is lost.
/// </summary>
internal abstract record CallEvent
{
    /// <summary>An event the call caused itself: a timer, the outcome of a request it sent, a control step.</summary>
    internal abstract record Internal : CallEvent;
}

// ---- the browser side ----

/// <summary>A validated message from one of the call's sessions (hangup, answer, dtmf, hold, candidate, ...).</summary>
internal sealed record BrowserMessage(IWebSession Session, ClientCallMessage Message) : CallEvent;

/// <summary>The session is gone for good.</summary>
internal sealed record WebSessionGone(IWebSession Session) : CallEvent.Internal;

// ---- the SIP side ----

/// <summary>A request within the call's dialog (BYE, re-INVITE, UPDATE, INFO, REFER, NOTIFY, OPTIONS).</summary>
internal sealed record SipInDialogRequest(IncomingRequest Incoming) : CallEvent;

/// <summary>The ACK of a 2xx we sent.</summary>
internal sealed record SipAckReceived(IncomingRequest Ack) : CallEvent;

/// <summary>A CANCEL for the call's INVITE (inbound).</summary>
internal sealed record SipCancelReceived(IncomingRequest Cancel) : CallEvent.Internal;

/// <summary>A 2xx no transaction matched (a retransmission: repeat the ACK, RFC 3261 §13.2.2.4).</summary>
internal sealed record SipStrayResponse(SipResponse Response) : CallEvent;

/// <summary>Our 2xx to the INVITE got no ACK within 64*T1 (§13.3.1.4).</summary>
internal sealed record AckTimedOut : CallEvent.Internal;

/// <summary>Our reliable provisional got no PRACK within 64*T1 (RFC 3262 §3).</summary>
internal sealed record PrackTimedOut : CallEvent.Internal;

// ---- outcomes of the call's own SIP requests ----

/// <summary>A provisional response to an outbound attempt's INVITE.</summary>
internal sealed record TrunkProvisional(TrunkAttempt Attempt, SipResponse Response) : CallEvent.Internal;

/// <summary>The failover asks for one attempt on one trunk (answered through <see cref="DialStep.Result"/>).</summary>
internal sealed record TrunkDialRequested(DialStep Step) : CallEvent.Internal;

/// <summary>The trunk's address was resolved (null: it cannot be reached).</summary>
internal sealed record TrunkResolved(DialStep Step, SipEndPoint? Destination) : CallEvent.Internal;

/// <summary>The attempt's INVITE got its final response (after the Digest and 422 retries).</summary>
internal sealed record TrunkFinal(DialStep Step, TrunkAttempt Attempt, SipResponse Final) : CallEvent.Internal;

/// <summary>The failover is over (every trunk tried, or one answered, or it was stopped).</summary>
internal sealed record DialFinished(TrunkDialResult Result) : CallEvent.Internal;

/// <summary>The final response to our re-INVITE (null: it could not be sent).</summary>
internal sealed record ReInviteAnswered(PendingReInvite ReInvite, SipRequest Invite, SipResponse? Final) : CallEvent.Internal;

/// <summary>The final response to our REFER (null: it could not be sent).</summary>
internal sealed record ReferAnswered(IWebSession Session, SipResponse? Response) : CallEvent.Internal;

/// <summary>The response to the INFO digit in flight.</summary>
internal sealed record InfoAnswered(SipResponse? Response) : CallEvent.Internal;

/// <summary>An awaited step of a longer flow (the transferee's) resumes on the call's loop.</summary>
internal sealed record Continuation(Action Resume) : CallEvent.Internal;

// ---- the media plane ----

internal sealed record MediaEnded(MediaEndReason Reason) : CallEvent.Internal;

/// <summary>An in-band digit the browser sent (RFC 4733 on the web leg).</summary>
internal sealed record WebDtmf(char Digit, int DurationMs) : CallEvent.Internal;

// ---- timers and control ----

/// <summary>A timer of the call fell due; <paramref name="Generation"/> tells a stale one from the current one.</summary>
internal sealed record TimerFired(CallTimer Timer, int Generation = 0) : CallEvent.Internal;

/// <summary>Begin: route, allocate media, INVITE or offer (inbound: to these sessions).</summary>
internal sealed record StartCall(IReadOnlyList<IWebSession>? Sessions = null) : CallEvent.Internal;

/// <summary>The gateway is stopping: hang up both sides (Hosting/GatewayDrain).</summary>
internal sealed record ShutdownRequested : CallEvent.Internal;

/// <summary>An operator hangs the call up (DELETE /api/v1/calls/{id}); <paramref name="By"/> says who, for the log and the CDR.</summary>
internal sealed record OperatorHangupRequested(string By) : CallEvent.Internal;

/// <summary>End a call that never started (no SIP side to tell): by default "failed", the browser not told.</summary>
internal sealed record AbortRequested(int Code, string Reason) : CallEvent.Internal
{
    public string Outcome { get; init; } = "failed";
    public WebNotice Web { get; init; } = WebNotice.None;
}

/// <summary>A handler failed outside the loop (<see cref="GatewayCall.Guard"/>): end the call as an internal error.</summary>
internal sealed record FailRequested(int Code, string Reason) : CallEvent.Internal;

/// <summary>Keep a limit lease until the call ends.</summary>
internal sealed record LeaseAdopted(IDisposable Lease) : CallEvent.Internal;

/// <summary>The call's timers.</summary>
internal enum CallTimer
{
    /// <summary>Sip:NoAnswerTimeout.</summary>
    NoAnswer,
    /// <summary>64*T1 after our CANCEL without a final response: give up on the INVITE.</summary>
    CancelTimeout,
    /// <summary>RFC 4028: refresh due (we refresh) or expiry (the peer refreshes).</summary>
    SessionTimer,
    /// <summary>RFC 3261 §14.1: the wait after a 491 before trying the re-INVITE again.</summary>
    ReInviteRetry,
    /// <summary>RFC 5589 §6.1: the transferor did not hang up after the final NOTIFY.</summary>
    ReplacedLegBye,
}
