using System.Net;
using Gateway.Dialplan;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;

namespace Gateway.Server.Calls;

/// <summary>
/// A browser's call to SIP (web -> trunk or URI): INVITE with the translated offer, trunk failover on timeouts,
/// 5xx and transport errors, 180/183 relayed as ringing/progress, 2xx as answer; CANCEL on hangup or no answer.
/// The failover runs as its own task but only asks the loop for each attempt (<see cref="DialStep"/>): each step,
/// provisional and final response is an event, so a hangup is handled either before a 200 or after it, never during.
/// </summary>
internal sealed partial class OutboundCall : SipBridgedCall, ITrunkDialer
{
    private readonly SessionDescription _browserOffer;
    private readonly CompiledDialplan _plan;
    private readonly RouteDecision _decision;
    private readonly string _fromUser;
    private readonly CancellationTokenSource _stopFailover = new();
    /// <summary>The attempt whose INVITE is in flight (null between attempts and once its final response came).</summary>
    private TrunkAttempt? _attempt;
    private string? _browserAnswerSdp;
    /// <summary>The browser leg's ICE/DTLS configuration, set once by the first usable SIP answer (183 or 2xx).</summary>
    private BrowserAnswer? _webAnswer;
    /// <summary>Post-dial delay part one, measured at the first INVITE handed to the transport.</summary>
    private TimeSpan? _firstInviteAfter;

    public OutboundCall(CallServices services, IWebSession session, PlaceCall message, SessionDescription browserOffer,
        CompiledDialplan plan, RouteDecision decision, string caller, long receivedTimestamp)
        : base(services, message.Id, "outbound", caller, decision.Normalized, receivedTimestamp)
    {
        Web = session;
        Route = decision.Route;
        RouteRecord = decision.Record;
        _browserOffer = browserOffer;
        _plan = plan;
        _decision = decision;
        _fromUser = decision.CallerId is { Length: > 0 } id ? id : caller;
    }

    /// <summary>Routing -> Calling: media, the no-answer timer, then the trunks in failover order.</summary>
    public void Start() => Post(new StartCall());

    protected override void Handle(CallEvent e)
    {
        switch (e)
        {
            case StartCall: OnStart(); break;
            case TrunkDialRequested requested: OnDialRequested(requested.Step); break;
            case TrunkResolved resolved: OnResolved(resolved.Step, resolved.Destination); break;
            case TrunkProvisional provisional: OnProvisional(provisional.Attempt, provisional.Response); break;
            case TrunkFinal final: OnFinal(final.Step, final.Attempt, final.Final); break;
            case DialFinished dialed: OnDialed(dialed.Result); break;
            case TimerFired { Timer: CallTimer.NoAnswer }: OnNoAnswer(); break;
            case TimerFired { Timer: CallTimer.CancelTimeout }: OnCancelTimeout(); break;
            default: base.Handle(e); break;
        }
    }

    private void OnStart()
    {
        if (State != CallState.Routing) return;
        if (CreateMedia() is null)
        {
            End(new CallEnd(503, "Service Unavailable (no media port)", "failed"));
            return;
        }
        StartTimer(CallTimer.NoAnswer, Services.Options.NoAnswerTimeout);
        _ = DialThroughRouteAsync(_plan, _decision, this, _stopFailover.Token);
    }

    /// <summary>One attempt on one trunk (called by <see cref="TrunkFailover"/>, off the loop): the final status of its INVITE.</summary>
    public Task<TrunkDialResult> DialAsync(TrunkDefinition trunk, RouteDecision decision, CancellationToken cancellationToken) =>
        RequestDial(trunk, decision, cancellationToken);

    private void OnDialRequested(DialStep step)
    {
        if (State is CallState.Cancelling or CallState.Ended or CallState.Active) { step.Complete(new TrunkDialResult(487, "Request Terminated")); return; }
        ResolveTrunk(step, _plan);
    }

    private void OnResolved(DialStep step, Gateway.Sip.Transport.SipEndPoint? destination)
    {
        if (State is CallState.Cancelling or CallState.Ended or CallState.Active) { step.Complete(new TrunkDialResult(487, "Request Terminated")); return; }
        var trunk = step.Trunk;
        if (TargetOf(step, destination) is not { } target) return;
        var (to, requestUri) = target;
        if (!JsepToSipTranslator.TryCreateSipOffer(_browserOffer, Media!.SipEndpoint, PolicyFor(trunk, _decision.WebCodec), out var sipOffer, out var browser, out var failure))
        {
            step.Complete(new TrunkDialResult(failure!.StatusCode, failure.Reason));
            return;
        }
        var identity = OutboundIdentity.For(trunk, _decision.Identity, _fromUser, Services.Sip.Domain);
        var attempt = new TrunkAttempt(Services.Sip, trunk, to, requestUri, identity, sipOffer!, browser!,
            (uint)Math.Max(0, Services.Options.SessionExpires), (a, r) => Post(new TrunkProvisional(a, r)), Services.Time);
        _attempt = attempt;
        RunAttempt(step, attempt, OnInviteSent);
    }

    /// <summary>Post-dial delay, part one: the browser's call handled -> INVITE handed to the transport.</summary>
    private void OnInviteSent()
    {
        if (_firstInviteAfter is not null) return;
        _firstInviteAfter = Since(ReceivedTimestamp);
        Services.Metrics.ObservePostDialDelay(_firstInviteAfter.Value);
    }

    /// <summary>The attempt's final response: answered (-> Active, or ACK + BYE when given up meanwhile), or the failover's next step.</summary>
    private void OnFinal(DialStep step, TrunkAttempt attempt, SipResponse final)
    {
        if (ReferenceEquals(_attempt, attempt)) _attempt = null;
        CompleteAttempt(step, attempt, final, OnAnswered);
    }

    /// <summary>Calling -> Ringing (180/183 without SDP), or -> EarlyMedia (183 with SDP).</summary>
    private void OnProvisional(TrunkAttempt attempt, SipResponse response)
    {
        if (response.StatusCode == 100 || attempt != _attempt) return;
        var sdp = SipCallLeg.ReadSdp(response);
        if (sdp is null || response.StatusCode != 183)
        {
            if (MoveTo(CallState.Ringing, CallState.Calling)) SendTyped(Web!, "ringing", Id);
            return;
        }
        if (State is not (CallState.Calling or CallState.Ringing)) return;
        if (!SipToJsepTranslator.TryCreateBrowserAnswer(attempt.Browser!, sdp, Media!.WebEndpoint, out var answer, out var failure))
        {
            Log.Progress(Logger, Id, "early media not bridged: " + failure);
            if (MoveTo(CallState.Ringing, CallState.Calling)) SendTyped(Web!, "ringing", Id);
            return;
        }
        ConfigureMedia(answer!);
        MoveTo(CallState.EarlyMedia, CallState.Calling, CallState.Ringing);
        _browserAnswerSdp = answer!.Sdp.ToString();
        SendTyped(Web!, "progress", Id, _browserAnswerSdp);
    }

    /// <summary>2xx: ACK, then -> Active with the browser's answer (or BYE after the ACK when the call was given up meanwhile, RFC 3261 §15).</summary>
    private void OnAnswered(TrunkAttempt attempt, SipResponse ok)
    {
        if (!SipDialog.TryCreateAsUac(attempt.Invite, ok, out var dialog))
        {
            Fail(502, "Bad Gateway (2xx without To tag)");
            return;
        }
        if (attempt.EarlyDialogCSeq(dialog!.RemoteTag) is { } used) dialog.ContinueLocalCSeq(used); // after our PRACKs (RFC 3262 §4)
        var leg = new SipCallLeg(dialog!, PeerFor(dialog!, attempt.Destination), Services.Sip, attempt.SipOffer);
        leg.SendAck(attempt.Invite.CSeq!.Value.Number);
        if (attempt.Transaction is { } tx) tx.SuccessRetransmitted += leg.OnSuccessRetransmitted; // RFC 6026 Accepted
        Leg = leg;
        TrunkName = attempt.Trunk.Name;
        DtmfMode = attempt.Trunk.DtmfMode;
        TransferHost = SipUri.TryParse(attempt.Trunk.Uri, out var trunkUri) ? trunkUri!.Host + (trunkUri.Port is { } p ? ":" + p : "") : null;
        if (State is CallState.Cancelling or CallState.Ended)
        {
            // The 200 crossed our CANCEL (or came after we gave up): the dialog exists, so ACK (above) then BYE.
            SendBye(487, "cancelled");
            if (_cancelling is { } pending) Finish(pending);
            return;
        }
        if (SipCallLeg.ReadSdp(ok) is not { } sdp)
        {
            End(new CallEnd(488, "Not Acceptable Here (no SDP in the answer)", "failed") { ByeReason = (488, "no SDP answer") });
            return;
        }
        if (!SipToJsepTranslator.TryCreateBrowserAnswer(attempt.Browser!, sdp, Media!.WebEndpoint, out var answer, out var failure))
        {
            End(new CallEnd(failure!.StatusCode, failure.Reason, "failed") { ByeReason = (failure.StatusCode, failure.Reason) });
            return;
        }
        ConfigureMedia(answer!);
        leg.LocalSdp = SipCallLeg.RestrictTo(attempt.SipOffer, answer!.SipLeg.Codec.PayloadType, answer.SipLeg.TelephoneEventPayloadType);
        MoveTo(CallState.Active, CallState.Calling, CallState.Ringing, CallState.EarlyMedia);
        SendTyped(Web!, "answer", Id, _browserAnswerSdp ?? answer!.Sdp.ToString());
        Services.Metrics.ObservePostDialDelay(Since(attempt.FinalTimestamp));
        Services.Metrics.ObserveSetup(Since(ReceivedTimestamp));
        if (SessionExpiresValue.TryParse(ok.GetHeader(SipHeaderNames.SessionExpires), out var se))
            SessionTimer.Start(se.DeltaSeconds, weRefresh: se.Refresher != "uas"); // RFC 4028 §7.2: we are the UAC
    }

    private void ConfigureMedia(BrowserAnswer answer)
    {
        var media = Media!;
        if (_webAnswer is null)
        {
            media.ConfigureWeb(answer.RemoteIceUfrag ?? "", answer.RemoteIcePwd ?? "", answer.RemoteFingerprint ?? "", answer.GatewayIsDtlsServer);
            _webAnswer = answer;
        }
        if (!IPAddress.TryParse(answer.RemoteRtpAddress, out var address)) return;
        SipRemote = new IPEndPoint(address, answer.RemoteRtpPort);
        SipMapping = Mapping(answer.BrowserLeg, answer.SipLeg);
        media.ConfigureSip(SipRemote, SipMapping);
    }
}
