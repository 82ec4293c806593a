using Gateway.Dialplan;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;

namespace Gateway.Server.Calls;

/// <summary>
/// A call the gateway originates for an operator's backend (POST /api/v1/calls, click-to-call): the number is dialed
/// first, through the dialplan's route for the source api and its failover, with the gateway's own offer
/// (<see cref="OriginateOffer"/>); once that party answers (ACK), the web user's free sessions are rung with its
/// answer as the offer ("incoming", <see cref="InboundTranslator"/>); the first browser answer bridges the two.
/// Or, with an application (<see cref="OriginatedApp"/>), the application serves the answered leg (OriginatedCall.App.cs);
/// or a directory user's registered phones are rung, media relayed RTP to RTP by the gateway (OriginatedCall.Phone.cs).
/// Every step is an event on the call's loop, like the other kinds; its steps go to <see cref="Progress"/>.
/// This file: routing to the SIP answer. The web side and the end: OriginatedCall.Bridge.cs.
/// </summary>
internal sealed partial class OriginatedCall : SipBridgedCall, ITrunkDialer
{
    private readonly CompiledDialplan _plan;
    private readonly RouteDecision _decision;
    private readonly CancellationTokenSource _stopFailover = new();
    /// <summary>The attempt whose INVITE is in flight (null between attempts and once its final response came).</summary>
    private TrunkAttempt? _attempt;
    /// <summary>The answered trunk's SDP policy (the browser's offer is made with it).</summary>
    private SdpTranslationPolicy _policy = SdpTranslationPolicy.Default;

    /// <param name="to">The web user, or the application's name.</param>
    /// <param name="app">The application that serves the answered leg; null: the web user <paramref name="to"/> is rung.</param>
    /// <param name="target">What is rung once the number answers; <see cref="OriginateTarget.App"/> when <paramref name="app"/> is given.</param>
    public OriginatedCall(CallServices services, string to, CompiledDialplan plan, RouteDecision decision, long receivedTimestamp, OriginatedApp? app = null,
        OriginateTarget target = OriginateTarget.WebUser)
        : base(services, services.Registry.NextServerCallId(), "originated", decision.Normalized, to, receivedTimestamp)
    {
        _target = app is null ? target : OriginateTarget.App;
        Route = decision.Route;
        RouteRecord = decision.Record;
        _plan = plan;
        _decision = decision;
        _app = app;
    }

    /// <summary>Where the call's steps go (set before <see cref="Start"/>).</summary>
    public ICallProgressSink? Progress { private get; set; }

    /// <summary>Routing -> Calling: media, the no-answer timer, then the route's trunks in failover order.</summary>
    public void Start(IReadOnlyList<Signaling.IWebSession> sessions) => Post(new StartCall(sessions));

    protected override void Handle(CallEvent e)
    {
        switch (e)
        {
            case StartCall start: OnStart(start.Sessions!); break;
            case TrunkDialRequested requested: OnDialRequested(requested.Step); break;
            case TrunkResolved resolved: OnResolved(resolved.Step, resolved.Destination); break;
            case TrunkProvisional provisional: OnProvisional(provisional.Attempt, provisional.Response); break;
            case TrunkFinal final: OnFinal(final.Step, final.Attempt, final.Final); break;
            case DialFinished dialed: OnDialed(dialed.Result); break;
            case TimerFired { Timer: CallTimer.NoAnswer } timer: OnNoAnswer(timer.Generation); break;
            case TimerFired { Timer: CallTimer.CancelTimeout }: OnCancelTimeout(); break;
            case ConferenceDigit digit when State == CallState.Active: _seat?.OnDigit(digit.Digit); break;
            default: base.Handle(e); break;
        }
    }

    private void OnStart(IReadOnlyList<Signaling.IWebSession> sessions)
    {
        if (State != CallState.Routing) return;
        _sessions = sessions;
        if (CreateMedia(relay: _target == OriginateTarget.Phones) is null)
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

    private bool Dialing => State is CallState.Routing or CallState.Calling or CallState.Ringing or CallState.EarlyMedia;

    private void OnDialRequested(DialStep step)
    {
        if (!Dialing) { step.Complete(new TrunkDialResult(487, "Request Terminated")); return; }
        ResolveTrunk(step, _plan);
    }

    private void OnResolved(DialStep step, Gateway.Sip.Transport.SipEndPoint? destination)
    {
        if (!Dialing) { step.Complete(new TrunkDialResult(487, "Request Terminated")); return; }
        var trunk = step.Trunk;
        if (TargetOf(step, destination) is not { } target) return;
        var (to, requestUri) = target;
        var policy = AppPolicy(OutboundCall.PolicyFor(trunk, _decision.WebCodec));
        if (!OriginateOffer.TryCreate(Media!.SipEndpoint, policy, out var offer, out var failure))
        {
            step.Complete(new TrunkDialResult(failure!.StatusCode, failure.Reason));
            return;
        }
        var identity = OutboundIdentity.For(trunk, _decision.Identity, _decision.CallerId is { Length: > 0 } id ? id : "api", Services.Sip.Domain);
        var attempt = new TrunkAttempt(Services.Sip, trunk, to, requestUri, identity, offer!, null,
            (uint)Math.Max(0, Services.Options.SessionExpires), (a, r) => Post(new TrunkProvisional(a, r)), Services.Time);
        _attempt = attempt;
        _policy = policy;
        RunAttempt(step, attempt, static () => { });
    }

    /// <summary>Calling -> Ringing on 180/183 (early media is not relayed: nobody listens yet).</summary>
    private void OnProvisional(TrunkAttempt attempt, SipResponse response)
    {
        if (response.StatusCode == 100 || attempt != _attempt) return;
        if (MoveTo(CallState.Ringing, CallState.Calling)) Report(OriginateProgress.Ringing, response.StatusCode, response.ReasonPhrase);
    }

    private void OnFinal(DialStep step, TrunkAttempt attempt, SipResponse final)
    {
        if (ReferenceEquals(_attempt, attempt)) _attempt = null;
        CompleteAttempt(step, attempt, final, OnAnswered);
    }

    /// <summary>2xx: ACK, then ring the web user with the answer as the browser's offer (or BYE when given up meanwhile, RFC 3261 §15).</summary>
    private void OnAnswered(TrunkAttempt attempt, SipResponse ok)
    {
        if (!SipDialog.TryCreateAsUac(attempt.Invite, ok, out var dialog))
        {
            Fail(502, "Bad Gateway (2xx without To tag)");
            return;
        }
        var leg = new SipCallLeg(dialog!, OutboundCall.PeerFor(dialog!, attempt.Destination), Services.Sip, attempt.SipOffer);
        leg.SendAck(attempt.Invite.CSeq!.Value.Number);
        Leg = leg;
        TrunkName = attempt.Trunk.Name;
        DtmfMode = attempt.Trunk.DtmfMode;
        if (State is CallState.Cancelling or CallState.Ended)
        {
            SendBye(487, "cancelled");
            if (_cancelling is { } pending) Finish(pending);
            return;
        }
        if (SipCallLeg.ReadSdp(ok) is not { } sdp)
        {
            End(new CallEnd(488, "Not Acceptable Here (no SDP in the answer)", "failed") { ByeReason = (488, "no SDP answer") });
            return;
        }
        Report(OriginateProgress.Answered, ok.StatusCode, ok.ReasonPhrase);
        if (SessionExpiresValue.TryParse(ok.GetHeader(SipHeaderNames.SessionExpires), out var se))
            SessionTimer.Start(se.DeltaSeconds, weRefresh: se.Refresher != "uas"); // RFC 4028 §7.2: we are the UAC
        if (_app is not null) StartApp(attempt.SipOffer, sdp);
        else if (_target == OriginateTarget.Phones) RingPhones(attempt.SipOffer, sdp);
        else RingWebUser(sdp);
    }

    private void Report(OriginateProgress step, int? code = null, string? reason = null, string? outcome = null)
    {
        try { Progress?.Report(new CallProgress(step, Services.Time.GetUtcNow(), code, reason, outcome)); }
        catch (Exception e) { Log.HandlerFailed(Logger, e, Id, "progress report"); }
    }
}
