using Gateway.Dialplan;
using Gateway.Media.Bridge;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Calls;

/// <summary>How an outbound call ends: failover exhausted, the browser hangs up, no answer, media failure, session gone.</summary>
internal sealed partial class OutboundCall
{
    /// <summary>Failover finished without an answer: the browser gets the last final status.</summary>
    private void OnDialed(TrunkDialResult result)
    {
        if (result.IsSuccess) return;
        if (State == CallState.Cancelling)
        {
            EndCancelled();
            return;
        }
        var code = result.StatusCode == 0 ? 503 : result.StatusCode;
        var reason = result.StatusCode == 0 ? "Service Unavailable (" + result.Reason + ")" : result.Reason ?? SipStatus.ReasonPhrase(code);
        End(code, reason, OutcomeFor(code), notifyWeb: true);
    }

    private void EndCancelled()
    {
        var (code, reason, outcome) = _cancelCause;
        End(code, reason, outcome, notifyWeb: !_webNotified);
    }

    public override void OnClientMessage(IWebSession session, ClientCallMessage message)
    {
        switch (message)
        {
            case Hangup:
                if (State == CallState.Active)
                {
                    SendBye();
                    End(200, "Normal", "answered", notifyWeb: true);
                }
                else
                {
                    SendHangup(session, Id, 200, "Normal");
                    Cancel(487, "Request Terminated (caller hung up)", "cancelled");
                }
                break;
            case AnswerIncoming or RejectIncoming or RingingIncoming or PlaceCall:
                session.SendError(message.Id, "conflict", "this call was placed by the browser");
                break;
            default:
                if (!TryHandleMidCall(session, message)) session.SendError(message.Id, "bad_request", "unsupported message");
                break;
        }
    }

    public override void OnSessionEnded(IWebSession session)
    {
        if (State == CallState.Active)
        {
            SendBye(480, "web session ended");
            End(200, "Normal", "answered", notifyWeb: false);
        }
        else Cancel(487, "Request Terminated (web session ended)", "cancelled", webGone: true);
    }

    /// <summary>Before answer -> Cancelling: CANCEL the INVITE in flight, stop failover, give up after 64*T1 without a final response.</summary>
    private void Cancel(int code, string reason, string outcome, bool webGone = false)
    {
        TrunkAttempt? attempt;
        lock (Gate)
        {
            // One lock for the check, the move and reading the attempt: DialAsync cannot start an INVITE in between.
            if (State is CallState.Ended or CallState.Cancelling or CallState.Active) return;
            _cancelCause = (code, reason, outcome);
            _webNotified = true;
            MoveTo(CallState.Cancelling, CallState.Routing, CallState.Calling, CallState.Ringing, CallState.EarlyMedia);
            attempt = _attempt;
        }
        Services.Registry.RemoveWeb(Web?.SessionId ?? "", Id, this);
        if (webGone) Web = null;
        _stopFailover.Cancel();
        if (attempt is null)
        {
            EndCancelled();
            return;
        }
        attempt.RequestCancel();
        Keep(Services.Time.CreateTimer(_ => Guard("cancel timeout", () =>
        {
            attempt.Abandon();
            EndCancelled();
        }), null, Services.Options.Timers.Timeout, Timeout.InfiniteTimeSpan));
    }

    /// <summary>Sip:NoAnswerTimeout: CANCEL, and the browser hears 480 now.</summary>
    private void OnNoAnswer()
    {
        if (State is not (CallState.Calling or CallState.Ringing or CallState.EarlyMedia or CallState.Routing)) return;
        if (Web is { } web) SendHangup(web, Id, 480, "No Answer");
        Cancel(480, "No Answer", "no_answer");
    }

    protected override void OnMediaEnded(MediaEndReason reason)
    {
        if (IsAnswered) { base.OnMediaEnded(reason); return; }
        if (Web is { } web) SendHangup(web, Id, 408, "media failed: " + reason);
        Cancel(408, "media failed: " + reason, "failed");
    }

    /// <summary>Draining before answer: "hangup" now, CANCEL the INVITE in flight; the CDR says cancelled.</summary>
    protected override void OnShutdown()
    {
        if (IsAnswered || State is CallState.Cancelling or CallState.Ended)
        {
            if (IsAnswered) base.OnShutdown();
            return;
        }
        if (Web is { } web) SendHangup(web, Id, 503, ShutdownCause);
        Cancel(503, "Service Unavailable (" + ShutdownCause + ")", "cancelled");
    }

    protected override void Fail(int code, string reason)
    {
        if (State == CallState.Active) SendBye(code, reason);
        else
        {
            if (Web is { } web && !_webNotified) SendHangup(web, Id, code, reason);
            Cancel(code, reason, "failed");
            if (_attempt is not null) return;
        }
        End(code, reason, "failed", notifyWeb: !_webNotified);
    }
}
