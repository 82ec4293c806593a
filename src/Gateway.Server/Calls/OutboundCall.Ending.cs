using Gateway.Dialplan;
using Gateway.Media.Bridge;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Calls;

/// <summary>How an outbound call ends: failover exhausted, the browser hangs up, no answer, media failure, session gone.</summary>
internal sealed partial class OutboundCall
{
    /// <summary>Cancelling: how the call ends once the INVITE has its final response (the browser was told already).</summary>
    private CallEnd? _cancelling;

    protected override void HandleClientMessage(IWebSession session, ClientCallMessage message)
    {
        switch (message)
        {
            case Hangup when State == CallState.Active:
                End(new CallEnd(200, "Normal", "answered"));
                break;
            case Hangup:
                End(new CallEnd(487, "Request Terminated (caller hung up)", "cancelled") { WebCause = (200, "Normal") });
                break;
            case AnswerIncoming or RejectIncoming or RingingIncoming or PlaceCall:
                session.SendError(message.Id, "conflict", "this call was placed by the browser");
                break;
            default:
                if (!TryHandleMidCall(session, message)) session.SendError(message.Id, "bad_request", "unsupported message");
                break;
        }
    }

    protected override void HandleSessionEnded(IWebSession session)
    {
        if (State == CallState.Active) End(new CallEnd(200, "Normal", "answered") { Web = WebNotice.None, ByeReason = (480, "web session ended") });
        else End(new CallEnd(487, "Request Terminated (web session ended)", "cancelled") { Web = WebNotice.None });
    }

    /// <summary>Failover finished without an answer: the browser gets the last final status.</summary>
    private void OnDialed(TrunkDialResult result)
    {
        if (result.IsSuccess || State == CallState.Ended) return;
        if (State == CallState.Cancelling)
        {
            Finish(_cancelling!);
            return;
        }
        var code = result.StatusCode == 0 ? 503 : result.StatusCode;
        var reason = result.StatusCode == 0 ? "Service Unavailable (" + result.Reason + ")" : result.Reason ?? SipStatus.ReasonPhrase(code);
        End(new CallEnd(code, reason, OutcomeFor(code)));
    }

    /// <summary>
    /// The SIP half of ending an outbound call: BYE once a 2xx made a dialog; before that, stop the failover and CANCEL
    /// the INVITE in flight (-> Cancelling: the browser hears "hangup" now, the call finishes on the INVITE's final
    /// response, after ACK + BYE if that is a 2xx, or after 64*T1 without one). No INVITE in flight: nothing to send.
    /// </summary>
    protected override bool EndSipSide(CallEnd end)
    {
        if (Leg is not null) return base.EndSipSide(end);
        if (State == CallState.Cancelling) return false; // already waiting for the INVITE's final response
        _stopFailover.Cancel();
        if (_attempt is not { } attempt) return true;
        if (end.Web == WebNotice.Hangup && Web is { } web) SendHangup(web, Id, end.WebCode, end.WebReason);
        _cancelling = end with { Web = WebNotice.None };
        MoveTo(CallState.Cancelling, CallState.Routing, CallState.Calling, CallState.Ringing, CallState.EarlyMedia);
        Services.Registry.RemoveWeb(Web?.SessionId ?? "", Id, this);
        attempt.RequestCancel();
        StartTimer(CallTimer.CancelTimeout, Services.Options.Timers.Timeout);
        return false;
    }

    protected override bool IsDialogConfirmed => Leg is not null;

    /// <summary>64*T1 after the CANCEL without a final response: the INVITE is given up.</summary>
    private void OnCancelTimeout()
    {
        if (State != CallState.Cancelling) return;
        _attempt?.Abandon();
        Finish(_cancelling!);
    }

    /// <summary>Sip:NoAnswerTimeout: CANCEL, and the browser hears 480 now.</summary>
    private void OnNoAnswer()
    {
        if (State is not (CallState.Calling or CallState.Ringing or CallState.EarlyMedia or CallState.Routing)) return;
        End(new CallEnd(480, "No Answer", "no_answer"));
    }

    protected override void HandleMediaEnded(MediaEndReason reason)
    {
        if (IsAnswered) { base.HandleMediaEnded(reason); return; }
        End(new CallEnd(408, "media failed: " + reason, "failed"));
    }

    /// <summary>Draining before answer: "hangup" now, CANCEL the INVITE in flight; the CDR says cancelled.</summary>
    protected override void HandleShutdown()
    {
        if (IsAnswered) { base.HandleShutdown(); return; }
        if (State is CallState.Cancelling or CallState.Ended) return;
        End(new CallEnd(503, "Service Unavailable (" + ShutdownCause + ")", "cancelled") { WebCause = (503, ShutdownCause) });
    }
}
