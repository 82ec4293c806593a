using System.Net;
using Gateway.Dialplan;
using Gateway.Media.Bridge;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>
/// A registered phone's call that the dialplan routed to a trunk (issue #15: source the phone's user, with that user's
/// guards): the gateway answers the phone as UAS and dials the route's trunks as UAC through the failover (<see cref="DialStep"/>,
/// as a browser's call), a B2BUA with the media anchored: the phone's offer goes to the trunk naming the gateway's relay
/// port (<see cref="AnchoredSdp"/>), the trunk's answer goes to the phone likewise, and an RTP relay
/// (<see cref="ICallRelayMedia"/>) carries RTP, RFC 4733 and RTCP between them.
/// Routing -> Calling -> Ringing (180 to the phone) or EarlyMedia (183 with the anchored SDP) -> Connecting (200 to the
/// phone) -> Active (the phone's ACK) -> Ended by BYE either side; CANCEL from the phone while dialing CANCELs the trunk.
/// The trunk's dialog is <see cref="SipBridgedCall.Leg"/> (its mid-call requests as on any call); the phone's is in
/// PhoneTrunkCall.Phone.cs.
/// </summary>
internal sealed partial class PhoneTrunkCall : SipBridgedCall, ITrunkDialer
{
    private readonly CompiledDialplan _plan;
    private readonly RouteDecision _decision;
    private readonly string _fromUser;
    private readonly CancellationTokenSource _stopFailover = new();
    /// <summary>The attempt whose INVITE is in flight (null between attempts and once its final response came).</summary>
    private TrunkAttempt? _attempt;
    /// <summary>The phone's offer with the gateway's trunk-side address: what every attempt offers.</summary>
    private SessionDescription? _trunkOffer;
    /// <summary>The trunk's SDP of a 183, when its 2xx carries none (RFC 3261 §13.2.1: the answer came early).</summary>
    private SessionDescription? _earlyAnswer;
    /// <summary>Cancelling: how the call ends once the trunk's INVITE has its final response.</summary>
    private CallEnd? _cancelling;

    public PhoneTrunkCall(CallServices services, IncomingRequest invite, string user, CompiledDialplan plan, RouteDecision decision, long receivedTimestamp)
        : base(services, services.Registry.NextServerCallId(), "phone", user, decision.Normalized, receivedTimestamp)
    {
        _invite = invite;
        _plan = plan;
        _decision = decision;
        _fromUser = decision.CallerId is { Length: > 0 } id ? id : user;
        Route = decision.Route;
        RouteRecord = decision.Record;
    }

    private ICallRelayMedia Relay => (ICallRelayMedia)Media!;

    public void Start()
    {
        // The SIP table first: a CANCEL or a retransmission arriving at once finds the call (and queues behind the start).
        Services.Registry.TryAddSip(_invite.Request.CallId!, this);
        TraceSipCallId(_invite.Request.CallId!);
        Post(new StartCall());
    }

    protected override void Handle(CallEvent e)
    {
        switch (e)
        {
            case StartCall: OnStart(); break;
            case SipInDialogRequest request when request.Incoming.Request.CallId == _invite.Request.CallId: OnPhoneRequest(request.Incoming); break;
            case AckTimedOut: OnAckTimeout(); break;
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

    /// <summary>Routing -> Calling: the relay, the phone's offer anchored, the no-answer timer, the route's trunks.</summary>
    private void OnStart()
    {
        if (State != CallState.Routing) return;
        var request = _invite.Request;
        _invite.InviteTransaction!.AckTimeout += _ => Post(new AckTimedOut());
        RespondToPhone(100, "Trying");
        if (SipCallLeg.ReadSdp(request) is not { } offer)
        {
            Reject(request.Body.IsEmpty ? 488 : 400, request.Body.IsEmpty ? "Not Acceptable Here (an SDP offer is needed to reach a trunk)" : "Bad Request (SDP does not parse)");
            return;
        }
        if (CreateMedia(relay: true) is null) { Reject(503, "Service Unavailable (no media port)"); return; }
        if (!AnchoredSdp.TryAnchor(offer, Relay.SipEndpoint, out var trunkOffer, out var failure))
        {
            Reject(failure!.StatusCode, "Not Acceptable Here (" + failure.Reason + ")");
            return;
        }
        if (!SipDialog.TryCreateAsUas(request, _toTag, out var dialog)) { Reject(400, "Bad Request (no From tag or Contact)"); return; }
        // In-dialog requests follow the route set when proxies recorded one, else go back where the INVITE came from (NAT-safe).
        var peer = dialog!.RouteSet.Count > 0 ? OutboundCall.PeerFor(dialog, _invite.Source) : _invite.Source;
        _phone = new SipCallLeg(dialog, peer, Services.Sip, trunkOffer!);
        _trunkOffer = trunkOffer;
        if (SipCallLeg.AudioEndPoint(offer) is { } phoneRtp) Relay.ConfigurePhone(phoneRtp); // early media can reach it at once
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
        var trunk = step.Trunk;
        if (SipHosting.TrunkSrtp.ModeOf(trunk) == SrtpMode.Required)
        {
            TrunkName = trunk.Name;
            step.Complete(new TrunkDialResult(488, $"trunk {trunk.Name} requires SRTP: a phone's plain RTP is not anchored to it"));
            return;
        }
        ResolveTrunk(step, _plan);
    }

    private void OnResolved(DialStep step, Gateway.Sip.Transport.SipEndPoint? destination)
    {
        if (!Dialing) { step.Complete(new TrunkDialResult(487, "Request Terminated")); return; }
        var trunk = step.Trunk;
        if (TargetOf(step, destination) is not { } target) return;
        var (to, requestUri) = target;
        var identity = OutboundIdentity.For(trunk, _decision.Identity, _fromUser, Services.Sip.Domain);
        var attempt = new TrunkAttempt(Services.Sip, trunk, to, requestUri, identity, _trunkOffer!, null,
            (uint)Math.Max(0, Services.Options.SessionExpires), (a, r) => Post(new TrunkProvisional(a, r)), Services.Time);
        _attempt = attempt;
        RunAttempt(step, attempt, OnInviteSent);
    }

    private bool _inviteSent;

    /// <summary>Post-dial delay: the phone's INVITE handled -> the first INVITE to a trunk handed to the transport.</summary>
    private void OnInviteSent()
    {
        if (_inviteSent) return;
        _inviteSent = true;
        Services.Metrics.ObservePostDialDelay(Since(ReceivedTimestamp));
    }

    /// <summary>Calling -> Ringing (180 to the phone), or -> EarlyMedia (183 with SDP: the anchored answer to the phone, the trunk's RTP relayed).</summary>
    private void OnProvisional(TrunkAttempt attempt, SipResponse response)
    {
        if (response.StatusCode == 100 || attempt != _attempt || _phoneAnswered) return;
        if (response.StatusCode == 183 && SipCallLeg.ReadSdp(response) is { } sdp && State is CallState.Calling or CallState.Ringing or CallState.EarlyMedia
            && AnchoredSdp.TryAnchor(sdp, Relay.PhoneEndpoint, out var toPhone, out _))
        {
            _earlyAnswer = sdp;
            ConfigureTrunkMedia(sdp);
            _phone!.LocalSdp = toPhone!;
            MoveTo(CallState.EarlyMedia, CallState.Calling, CallState.Ringing);
            RespondToPhone(183, null, toPhone);
            return;
        }
        if (MoveTo(CallState.Ringing, CallState.Calling)) RespondToPhone(180);
    }

    private void OnFinal(DialStep step, TrunkAttempt attempt, SipResponse final)
    {
        if (ReferenceEquals(_attempt, attempt)) _attempt = null;
        CompleteAttempt(step, attempt, final, OnAnswered);
    }

    /// <summary>The trunk's 2xx: ACK, then 200 to the phone with the anchored answer (-> Connecting), or BYE when given up meanwhile (RFC 3261 §15).</summary>
    private void OnAnswered(TrunkAttempt attempt, SipResponse ok)
    {
        if (!SipDialog.TryCreateAsUac(attempt.Invite, ok, out var dialog))
        {
            Fail(502, "Bad Gateway (2xx without To tag)");
            return;
        }
        if (attempt.EarlyDialogCSeq(dialog!.RemoteTag) is { } used) dialog.ContinueLocalCSeq(used); // after our PRACKs (RFC 3262 §4)
        var leg = new SipCallLeg(dialog!, OutboundCall.PeerFor(dialog!, attempt.Destination), Services.Sip, attempt.SipOffer);
        leg.SendAck(attempt.Invite.CSeq!.Value.Number);
        if (attempt.Transaction is { } tx) tx.SuccessRetransmitted += leg.OnSuccessRetransmitted; // RFC 6026 Accepted
        Leg = leg;
        TrunkName = attempt.Trunk.Name;
        DtmfMode = attempt.Trunk.DtmfMode;
        if (State is CallState.Cancelling or CallState.Ended)
        {
            SendBye(487, "cancelled");
            if (_cancelling is { } pending) Finish(pending);
            return;
        }
        var sdp = SipCallLeg.ReadSdp(ok) ?? _earlyAnswer;
        SessionDescription? toPhone = null;
        SdpNegotiationFailure? failure = null;
        if (sdp is null || !AnchoredSdp.TryAnchor(sdp, Relay.PhoneEndpoint, out toPhone, out failure))
        {
            var reason = "Not Acceptable Here (" + (failure?.Reason ?? "no SDP in the trunk's answer") + ")";
            End(new CallEnd(488, reason, "failed") { ByeReason = (488, "no usable SDP answer") });
            return;
        }
        if (!ConfigureTrunkMedia(sdp))
        {
            End(new CallEnd(488, "Not Acceptable Here (no codec in the trunk's answer)", "failed") { ByeReason = (488, "no codec in the answer") });
            return;
        }
        leg.LocalSdp = SipCallLeg.RestrictTo(attempt.SipOffer, SipMapping!.SipPayloadType, SipMapping.SipTelephoneEventPayloadType);
        // The phone keeps the answer it had early (183) when the 2xx repeats it; a new one replaces it.
        if (_earlyAnswer is null || SipCallLeg.ReadSdp(ok) is not null) _phone!.LocalSdp = toPhone!;
        MoveTo(CallState.Connecting, CallState.Calling, CallState.Ringing, CallState.EarlyMedia);
        RespondToPhone(200, null, _phone!.LocalSdp);
        Services.Metrics.ObserveSetup(Since(ReceivedTimestamp));
        if (SessionExpiresValue.TryParse(ok.GetHeader(SipHeaderNames.SessionExpires), out var se))
            SessionTimer.Start(se.DeltaSeconds, weRefresh: se.Refresher != "uas"); // RFC 4028 §7.2: we are the UAC
    }

    /// <summary>The trunk's RTP address and codec from its answer (relay leg B); false without a codec.</summary>
    private bool ConfigureTrunkMedia(SessionDescription answer)
    {
        if (RelayMapping(answer) is not { } mapping) return false;
        SipMapping = mapping;
        var audio = answer.Media.First(m => m.Media == "audio" && !m.IsRejected);
        if (SipCallLeg.AudioEndPoint(answer) is { } remote && answer.ConnectionFor(audio)?.IsHoldAddress != true)
        {
            SipRemote = remote;
            Media!.ConfigureSip(remote, mapping);
        }
        return true;
    }

    /// <summary>The failover finished without an answer: the phone hears the last trunk's final status (<see cref="PhoneStatusFor"/>).</summary>
    private void OnDialed(TrunkDialResult result)
    {
        if (result.IsSuccess || State == CallState.Ended) return;
        if (State == CallState.Cancelling) { Finish(_cancelling!); return; }
        var (code, reason) = PhoneStatusFor(result.StatusCode, result.Reason);
        End(new CallEnd(code, reason, OutcomeFor(code)));
    }

    /// <summary>
    /// A trunk's failure as the phone hears it: no answer at all (transport, timeout: status 0) is 503; the trunk's
    /// challenge of the gateway (401/407) is not the phone's to answer (403, RFC 3261 §22: credentials are hop by hop);
    /// a redirect the gateway did not follow is 480; anything else passes as it is.
    /// </summary>
    internal static (int Code, string Reason) PhoneStatusFor(int trunkStatus, string? reason) => trunkStatus switch
    {
        0 => (503, "Service Unavailable (" + (reason ?? "no trunk answered") + ")"),
        401 or 407 => (403, "Forbidden (the trunk refused the gateway's credentials)"),
        >= 300 and < 400 => (480, "Temporarily Unavailable (the trunk redirected the call)"),
        >= 400 and <= 699 => (trunkStatus, reason is { Length: > 0 } ? reason : SipStatus.ReasonPhrase(trunkStatus)),
        _ => (500, "Server Internal Error (trunk status " + trunkStatus + ")"),
    };

    /// <summary>Sip:NoAnswerTimeout while dialing: CANCEL toward the trunk, 480 to the phone.</summary>
    private void OnNoAnswer()
    {
        if (Dialing) End(new CallEnd(480, "No Answer", "no_answer"));
    }

    /// <summary>64*T1 after the CANCEL without a final response: the trunk's INVITE is given up.</summary>
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
}
