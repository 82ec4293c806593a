using System.Net;
using System.Text.Json.Nodes;
using Gateway.Dialplan;
using Gateway.Media.Bridge;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;

namespace Gateway.Server.Calls;

/// <summary>
/// An originated call's web side and end: the dialed party answered, the web user's free sessions are offered the call
/// (Offering; the first answer bridges it -> Active, the others hear 487); ending before the 2xx CANCELs the INVITE in
/// flight (Cancelling), after it BYEs the dialog and tells the sessions still offered.
/// </summary>
internal sealed partial class OriginatedCall
{
    private readonly Dictionary<string, IWebSession> _offered = new(StringComparer.Ordinal);
    private IReadOnlyList<IWebSession> _sessions = [];
    private SipOffer? _browserOfferState;
    private int? _firstRejectCode;
    /// <summary>Cancelling: how the call ends once the INVITE has its final response.</summary>
    private CallEnd? _cancelling;
    /// <summary>The no-answer timer's generation: 0 while dialing, 1 while the web user rings.</summary>
    private int _noAnswerGeneration;

    /// <summary>Ringing -> Offering: the SIP answer is the offer the browsers get; "incoming" to each free session still connected.</summary>
    private void RingWebUser(SessionDescription sipAnswer)
    {
        if (!InboundTranslator.TryCreateBrowserOffer(sipAnswer, Media!.WebEndpoint, _policy with { Srtp = SrtpMode.Off }, out var browserOffer, out var state, out var failure))
        {
            End(new CallEnd(failure!.StatusCode, failure.Reason, "failed") { ByeReason = (failure.StatusCode, failure.Reason) });
            return;
        }
        _browserOfferState = state;
        var free = _sessions.Where(s => !Services.Registry.IsSessionBusy(s.SessionId)).ToList();
        if (free.Count == 0)
        {
            End(new CallEnd(480, "Temporarily Unavailable (the web user is busy or gone)", "failed") { ByeReason = (480, "web user unavailable") });
            return;
        }
        MoveTo(CallState.Offering, CallState.Calling, CallState.Ringing, CallState.EarlyMedia);
        var sdp = browserOffer!.ToString();
        foreach (var session in free)
        {
            _offered[session.SessionId] = session;
            Services.Registry.TryAddWeb(session.SessionId, Id, this);
            session.Send(new JsonObject { ["type"] = "incoming", ["id"] = Id, ["from"] = From, ["display"] = From, ["sdp"] = sdp });
        }
        _noAnswerGeneration = 1;
        StartTimer(CallTimer.NoAnswer, Services.Options.NoAnswerTimeout, _noAnswerGeneration);
    }

    protected override bool IsDialogConfirmed => Leg is not null;

    protected override void HandleClientMessage(IWebSession session, ClientCallMessage message)
    {
        switch (message)
        {
            case RingingIncoming:
                break;
            case AnswerIncoming answer:
                OnWebAnswer(session, answer);
                break;
            case RejectIncoming reject:
                OnDecline(session, reject.Code is >= 300 and <= 699 ? reject.Code : 486);
                break;
            case Hangup when State == CallState.Offering:
                SendHangup(session, Id, 200, "Normal");
                OnDecline(session, 486, notify: false);
                break;
            case Hangup:
                End(new CallEnd(200, "Normal", "answered"));
                break;
            default:
                if (!TryHandleMidCall(session, message)) session.SendError(message.Id, "bad_request", "unsupported message");
                break;
        }
    }

    /// <summary>Offering -> Active: the first answer wins; the media is bridged (the SIP side already has its answer).</summary>
    private void OnWebAnswer(IWebSession session, AnswerIncoming message)
    {
        if (State != CallState.Offering || !_offered.ContainsKey(session.SessionId))
        {
            session.SendError(message.Id, "conflict", "the call is no longer offered");
            return;
        }
        if (_target == OriginateTarget.Phones)
        {
            OnPhoneAnswer(session, message);
            return;
        }
        if (!SessionDescription.TryParse(message.Sdp, out var browserAnswer, out var error))
        {
            session.SendError(message.Id, "bad_request", "the answer does not parse: " + error);
            return;
        }
        if (!InboundTranslator.TryCreateSipAnswer(_browserOfferState!, browserAnswer!, Media!.SipEndpoint, _policy, out var bridged, out var failure))
        {
            session.SendError(message.Id, "bad_request", failure!.Reason);
            return;
        }
        Web = session;
        _offered.Remove(session.SessionId);
        RingOff(487, "answered elsewhere");
        var media = Media!;
        media.ConfigureWeb(bridged!.RemoteIceUfrag ?? "", bridged.RemoteIcePwd ?? "", bridged.RemoteFingerprint ?? "", bridged.GatewayIsDtlsServer);
        SipMapping = Mapping(bridged.Leg, bridged.Leg);
        if (bridged.RemoteRtpAddress is { } address && bridged.RemoteRtpPort is { } port && IPAddress.TryParse(address, out var ip))
        {
            SipRemote = new IPEndPoint(ip, port);
            media.ConfigureSip(SipRemote, SipMapping);
        }
        MoveTo(CallState.Active, CallState.Offering);
        Services.Metrics.ObserveSetup(Since(ReceivedTimestamp));
        Report(OriginateProgress.Bridged);
    }

    /// <summary>A session declines; once every offered session has, the dialed party is hung up with the first code.</summary>
    private void OnDecline(IWebSession session, int code, bool notify = true)
    {
        if (State != CallState.Offering || !_offered.Remove(session.SessionId)) return;
        _firstRejectCode ??= code;
        Services.Registry.RemoveWeb(session.SessionId, Id, this);
        if (notify) SendHangup(session, Id, code, "Rejected");
        if (_offered.Count == 0)
            End(new CallEnd(_firstRejectCode.Value, "declined by the web user", "rejected") { ByeReason = (_firstRejectCode.Value, "declined by the web user") });
    }

    /// <summary>"hangup" to every session still offered the call, which then leaves them.</summary>
    private void RingOff(int code, string reason)
    {
        foreach (var s in _offered.Values)
        {
            SendHangup(s, Id, code, reason);
            Services.Registry.RemoveWeb(s.SessionId, Id, this);
        }
        _offered.Clear();
    }

    protected override void HandleSessionEnded(IWebSession session)
    {
        if (State == CallState.Offering) { OnDecline(session, 480, notify: false); return; }
        if (Web?.SessionId != session.SessionId) return;
        End(new CallEnd(200, "Normal", "answered") { Web = WebNotice.None, ByeReason = (480, "web session ended") });
    }

    /// <summary>
    /// The SIP half of ending: BYE once the 2xx made a dialog (the sessions still offered hear "hangup"); before that,
    /// stop the failover and CANCEL the INVITE in flight (-> Cancelling: finished on its final response or after 64*T1).
    /// </summary>
    protected override bool EndSipSide(CallEnd end)
    {
        if (end.Web == WebNotice.Hangup) RingOff(end.WebCode, end.WebReason);
        if (Leg is not null) return base.EndSipSide(end);
        if (State == CallState.Cancelling) return false;
        _stopFailover.Cancel();
        if (_attempt is not { } attempt) return true;
        _cancelling = end;
        MoveTo(CallState.Cancelling, CallState.Routing, CallState.Calling, CallState.Ringing, CallState.EarlyMedia);
        attempt.RequestCancel();
        StartTimer(CallTimer.CancelTimeout, Services.Options.Timers.Timeout);
        return false;
    }

    protected override void OnRemoteBye(Gateway.Sip.Messages.SipRequest bye)
    {
        if (State == CallState.Offering) RingOff(487, "the called party hung up");
        base.OnRemoteBye(bye);
    }

    /// <summary>The failover finished without an answer: the call ends with its last final status.</summary>
    private void OnDialed(TrunkDialResult result)
    {
        if (result.IsSuccess || State == CallState.Ended) return;
        if (State == CallState.Cancelling) { Finish(_cancelling!); return; }
        var code = result.StatusCode == 0 ? 503 : result.StatusCode;
        End(new CallEnd(code, result.StatusCode == 0 ? "Service Unavailable (" + result.Reason + ")" : result.Reason ?? "", OutcomeFor(code)));
    }

    /// <summary>Sip:NoAnswerTimeout, once for the dialed party, once more for the web user.</summary>
    private void OnNoAnswer(int generation)
    {
        if (generation != _noAnswerGeneration) return;
        if (Dialing) End(new CallEnd(480, "No Answer", "no_answer"));
        else if (State == CallState.Offering) End(new CallEnd(480, "No Answer (web user)", "no_answer") { ByeReason = (480, "the web user did not answer"), WebCause = (487, "Request Terminated") });
    }

    private void OnCancelTimeout()
    {
        if (State != CallState.Cancelling) return;
        _attempt?.Abandon();
        Finish(_cancelling!);
    }

    protected override void HandleMediaEnded(MediaEndReason reason)
    {
        if (IsAnswered) { base.HandleMediaEnded(reason); return; }
        End(new CallEnd(408, "media failed: " + reason, "failed") { ByeReason = (408, "media failed") });
    }

    protected override void OnEnded(CallEnd end) => Report(OriginateProgress.Ended, end.Code, end.Reason, end.Outcome);
}
