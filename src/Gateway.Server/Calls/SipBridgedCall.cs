using System.Net;
using Gateway.Media.Bridge;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>
/// A call with a SIP side (a dialog through <see cref="SipCallLeg"/>): outbound and inbound calls. Adds to the loop the
/// SIP events (in-dialog requests, ACK, stray 2xx), mid-call requests from the browser, the RFC 4028 session timer,
/// and the SIP half of <see cref="GatewayCall.End"/>: a BYE for an established dialog.
/// </summary>
internal abstract partial class SipBridgedCall : GatewayCall
{
    protected SipBridgedCall(CallServices services, string id, string direction, string from, string to, long receivedTimestamp)
        : base(services, id, direction, from, to, receivedTimestamp)
    {
        SessionTimer = new SessionTimer(services.Time, generation => Post(new TimerFired(CallTimer.SessionTimer, generation)));
    }

    /// <summary>"info" when DTMF goes to SIP as INFO (application/dtmf-relay), else RFC 4733 through the media.</summary>
    protected string DtmfMode { get; set; } = "rfc4733";
    protected SipCallLeg? Leg { get; set; }
    protected SessionTimer SessionTimer { get; }
    protected MediaCodecMapping? SipMapping { get; set; }
    protected override MediaCodecMapping? PublishedMapping => SipMapping;
    protected IPEndPoint? SipRemote { get; set; }

    protected override void Handle(CallEvent e)
    {
        switch (e)
        {
            case SipInDialogRequest request:
                HandleInDialogRequest(request.Incoming);
                break;
            case SipAckReceived ack:
                HandleAck(ack.Ack);
                break;
            case SipCancelReceived cancel:
                HandleCancel(cancel.Cancel);
                break;
            case SipStrayResponse stray:
                // §13.2.2.4: a retransmitted 2xx for the INVITE we acknowledged, past its transaction (RFC 6026 Accepted answers
                // the ones within Timer M itself, SipCallLeg.OnSuccessRetransmitted): the same ACK again.
                if (stray.Response.IsSuccess && stray.Response.CSeq is { Method: SipMethods.Invite } cseq && Leg is { } leg && cseq.Number == leg.LastAckedInvite)
                    leg.ResendAck();
                break;
            case ReInviteAnswered answered:
                OnReInviteAnswered(answered);
                break;
            case ReferAnswered refer:
                OnReferAnswered(refer);
                break;
            case InfoAnswered info:
                OnInfoAnswered(info);
                break;
            case WebDtmf dtmf:
                HandleDtmfFromWeb(dtmf.Digit, dtmf.DurationMs);
                break;
            case TimerFired { Timer: CallTimer.SessionTimer } timer:
                OnSessionTimer(timer.Generation);
                break;
            case TimerFired { Timer: CallTimer.ReInviteRetry }:
                RetryReInvite();
                break;
            case TimerFired { Timer: CallTimer.ReplacedLegBye }:
                EndReplacedLeg();
                break;
            default:
                base.Handle(e);
                break;
        }
    }

    /// <summary>The ACK for a 2xx (inbound: it confirms the dialog).</summary>
    protected virtual void HandleAck(IncomingRequest ack) { }

    /// <summary>A CANCEL for the call's INVITE (inbound only).</summary>
    protected virtual void HandleCancel(IncomingRequest cancel) { }

    /// <summary>The SIP half of ending: BYE on an established dialog (with an RFC 3326 Reason for a cause).</summary>
    protected override bool EndSipSide(CallEnd end)
    {
        if (Leg is not null && IsDialogConfirmed) SendBye(end.ByeReason?.Cause, end.ByeReason?.Text);
        return true;
    }

    /// <summary>Whether a BYE can end the dialog now (answered, or inbound with its 200 sent).</summary>
    protected virtual bool IsDialogConfirmed => IsAnswered;

    protected override void OnFinished() => SessionTimer.Dispose();

    /// <summary>BYE toward SIP, with an RFC 3326 Reason when the gateway ends the call for a cause.</summary>
    protected void SendBye(int? cause = null, string? text = null)
    {
        if (Leg is { } leg) SendByeOn(leg, cause, text);
    }

    protected void SendByeOn(SipCallLeg leg, int? cause, string? text)
    {
        var bye = leg.Create(SipMethods.Bye);
        if (cause is { } c) bye.AddHeader("Reason", SipCallLeg.ReasonHeader(c, text ?? ""));
        _ = ObserveAsync(leg.SendAsync(bye), "BYE");
    }

    /// <summary>Counts and logs the response to a request whose outcome changes nothing in the call (BYE, NOTIFY).</summary>
    protected async Task ObserveAsync(Task<SipResponse> pending, string what)
    {
        try
        {
            var response = await pending.ConfigureAwait(false);
            Services.Metrics.SipResponse(response.StatusCode);
            if (!response.IsSuccess) Log.RequestFailed(Logger, Id, what, response.StatusCode, response.ReasonPhrase);
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, what);
        }
    }

    /// <summary>Posts the response to one of our requests back to the loop as an event (null when it could not be sent).</summary>
    protected void PostWhenAnswered(Task<SipResponse> pending, Func<SipResponse?, CallEvent> toEvent, string what)
    {
        _ = pending.ContinueWith(t =>
        {
            if (t.IsFaulted) Log.HandlerFailed(Logger, t.Exception!.GetBaseException(), Id, what);
            Post(toEvent(t.IsCompletedSuccessfully ? t.Result : null));
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
