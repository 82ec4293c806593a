using System.Net;
using System.Text.Json.Nodes;
using Gateway.Media.Bridge;
using Gateway.Dialplan;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;
using Gateway.Sip.Identity;
using Gateway.Sip.Reliability;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>
/// A SIP call to a web user (SIP -> web): "incoming" to every free session of the user (forking), 180 on the
/// first "ringing", 200 to the first "answer" (the others hear 487 "answered elsewhere"), the first
/// rejection's code once all have declined, 487 to everyone on CANCEL. When the INVITE asks for 100rel (per the trunk's
/// <c>prack</c>), the 18x go reliably (RFC 3262 §3, <see cref="ReliableProvisionalSender"/>) and PRACKs are answered 200.
/// </summary>
internal sealed class InboundCall : SipBridgedCall
{
    private readonly IncomingRequest _invite;
    private readonly PresentedCaller _caller;
    private readonly string _toTag = SipStack.NewToken(6);
    private readonly Dictionary<string, IWebSession> _offered = new(StringComparer.Ordinal);
    private readonly SdpTranslationPolicy _policy;
    private SipOffer? _sipOffer;
    private SipAnswer? _lateOffer;
    private int? _firstRejectCode;
    private OfferProgress _progress = OfferProgress.Trying;
    /// <summary>Sends the 18x reliably and holds a 2xx behind an unacknowledged offer/answer; null when the INVITE did not ask for 100rel.</summary>
    private readonly ReliableProvisionalSender? _reliable;
    /// <summary>Anchors the media of a plain RTP phone rung for this call (the caller's SDP with the gateway's address):
    /// the call's media once a phone answers, disposed when a browser does. Null when no such phone is rung.</summary>
    private ICallRelayMedia? _phoneRelay;
    /// <summary>The caller's offer (what a phone's answer answers).</summary>
    private SessionDescription? _callerSdp;

    /// <param name="caller">Who the browser is told calls (PAI from a trusted trunk, else From).</param>
    public InboundCall(CallServices services, IncomingRequest invite, PresentedCaller caller, string user, string? route, string dtmfMode, SdpTranslationPolicy policy,
        long receivedTimestamp, bool? record, string? trunk, TrunkPrackMode prack)
        : base(services, services.Registry.NextServerCallId(), "inbound", caller.User, user, receivedTimestamp)
    {
        _invite = invite;
        _caller = caller;
        if (WantsReliable(prack, invite.Request))
        {
            _reliable = new ReliableProvisionalSender(invite.Request, invite.Respond, services.Time, services.Sip.Stack.Timers);
            _reliable.GaveUp += () => Post(new PrackTimedOut());
        }
        _policy = policy;
        Route = route;
        RouteRecord = record;
        SourceTrunk = trunk; // not TrunkName: that names the trunk the gateway dialed, which REFER trusts
        DtmfMode = dtmfMode;
    }

    /// <summary>
    /// Whether the gateway's 18x go reliably: with prack supported when the INVITE requires it, with prack required
    /// whenever it supports it (the dispatcher answered 421 otherwise), never with prack off (it answered 420).
    /// </summary>
    internal static bool WantsReliable(TrunkPrackMode prack, SipRequest invite) => prack switch
    {
        TrunkPrackMode.Supported => ReliableProvisionalSender.IsRequiredBy(invite),
        TrunkPrackMode.Required => ReliableProvisionalSender.IsSupportedBy(invite),
        _ => false,
    };


    /// <summary>Routing -> Offering: media, the browser offer, "incoming" to each free session (or a failure to the INVITE).</summary>
    public void Start(IReadOnlyList<IWebSession> sessions)
    {
        // The SIP table first: a CANCEL or a retransmission arriving at once finds the call (and queues behind the start).
        Services.Registry.TryAddSip(_invite.Request.CallId!, this);
        TraceSipCallId(_invite.Request.CallId!);
        Post(new StartCall(sessions));
    }

    protected override void Handle(CallEvent e)
    {
        switch (e)
        {
            case StartCall start: OnStart(start.Sessions!); break;
            case AckTimedOut: OnAckTimeout(); break;
            case PrackTimedOut when State == CallState.Offering: Reject(500, "Server Internal Error (no PRACK)", "failed"); break; // RFC 3262 §3
            case TimerFired { Timer: CallTimer.NoAnswer }: OnNoAnswer(); break;
            default: base.Handle(e); break;
        }
    }

    private void OnStart(IReadOnlyList<IWebSession> sessions)
    {
        if (State != CallState.Routing) return;
        var request = _invite.Request;
        _invite.InviteTransaction!.AckTimeout += _ => Post(new AckTimedOut());
        Respond(100, "Trying");
        var sipSdp = SipCallLeg.ReadSdp(request);
        if (!request.Body.IsEmpty && sipSdp is null)
        {
            Reject(400, "Bad Request (SDP does not parse)", "failed");
            return;
        }
        if (CreateMedia() is not { } media)
        {
            Reject(503, "Service Unavailable (no media port)", "failed");
            return;
        }
        if (!InboundTranslator.TryCreateBrowserOffer(sipSdp, media.WebEndpoint, _policy, out var browserOffer, out var state, out var failure))
        {
            Reject(failure!.StatusCode, failure.Reason, "failed");
            return;
        }
        if (!SipDialog.TryCreateAsUas(request, _toTag, out var dialog))
        {
            Reject(400, "Bad Request (no From tag or Contact)", "failed");
            return;
        }
        _sipOffer = state;
        // In-dialog requests follow the route set when proxies recorded one, else go back where the INVITE came from (NAT-safe).
        var peer = dialog!.RouteSet.Count > 0 ? OutboundCall.PeerFor(dialog, _invite.Source) : _invite.Source;
        Leg = new SipCallLeg(dialog, peer, Services.Sip, browserOffer!);
        MoveTo(CallState.Offering, CallState.Routing);
        var display = _caller.Display;
        var sdp = browserOffer!.ToString();
        _callerSdp = sipSdp;
        var phoneOffer = sipSdp is not null && sessions.Any(s => s is SipDeviceSession { Media: DeviceMedia.Rtp }) ? AnchorForPhones(sipSdp) : sipSdp;
        foreach (var session in sessions)
        {
            // A registered phone takes the caller's SDP with the gateway's relay address (or as it came, without a relay).
            if (session is SipDeviceSession { Media: DeviceMedia.Rtp } && sipSdp is null) continue;
            _offered[session.SessionId] = session;
            Services.Registry.TryAddWeb(session.SessionId, Id, this);
            if (session is SipDeviceSession device) device.Ring(this, Id, From, device.Media == DeviceMedia.Rtp ? phoneOffer! : browserOffer);
            else session.Send(new JsonObject { ["type"] = "incoming", ["id"] = Id, ["from"] = From, ["display"] = display ?? From, ["sdp"] = sdp });
        }
        if (_offered.Count == 0)
        {
            Reject(480, "Temporarily Unavailable", "failed");
            return;
        }
        StartTimer(CallTimer.NoAnswer, Services.Options.NoAnswerTimeout);
    }

    /// <summary>
    /// The caller's offer for the plain RTP phones, naming the gateway's relay (<see cref="AnchoredSdp"/>), so a phone's
    /// media is anchored like a browser's; the caller's SDP as it came when no relay port is free or the offer is not
    /// plain RTP (SDES-SRTP from the trunk: the phone and the trunk then exchange media directly).
    /// </summary>
    private SessionDescription AnchorForPhones(SessionDescription callerSdp)
    {
        if (TryCreateRelay() is not { } relay) return callerSdp;
        if (!AnchoredSdp.TryAnchor(callerSdp, relay.PhoneEndpoint, out var anchored, out _))
        {
            _ = relay.DisposeAsync();
            return callerSdp;
        }
        _phoneRelay = relay;
        return anchored!;
    }

    /// <summary>The relay is not needed (a browser answered, or the call ended before a phone did).</summary>
    private void DropPhoneRelay()
    {
        if (_phoneRelay is not { } relay) return;
        _phoneRelay = null;
        _ = relay.DisposeAsync();
    }

    protected override void OnFinished()
    {
        DropPhoneRelay();
        base.OnFinished();
    }

    private void Respond(int status, string? reason = null, SessionDescription? sdp = null)
    {
        var response = SipResponse.CreateFor(_invite.Request, status, reason, status == 100 ? null : _toTag);
        if (status is > 100 and < 300)
        {
            response.AddHeader(SipHeaderNames.Contact, Services.Sip.CreateContact(_invite.Source));
            response.AddHeader(SipHeaderNames.Allow, CallServices.Allow);
        }
        if (status >= 200 && status < 300) AddSessionTimer(response);
        if (sdp is not null) SipCallLeg.SetSdp(response, sdp);
        if (_reliable is null || status == 100) Respond(_invite, response);
        else if (response.IsProvisional) _reliable.Send(response);
        else
        {
            _reliable.SendFinal(response);
            Services.Metrics.SipResponse(status);
        }
    }

    /// <summary>RFC 3262 §3: 200 to the PRACK of our unacknowledged reliable provisional, 481 to any other.</summary>
    protected override void OnPrack(IncomingRequest prack)
    {
        var matched = _reliable?.OnPrack(prack.Request) == true;
        Respond(prack, matched ? SipResponse.CreateFor(prack.Request, 200) : SipResponse.CreateFor(prack.Request, 481, "Call/Transaction Does Not Exist (no such reliable provisional)"));
    }

    /// <summary>RFC 4028 §9: answer a Session-Expires in the INVITE; the UAC refreshes unless it asked us to.</summary>
    private void AddSessionTimer(SipResponse response)
    {
        var request = _invite.Request;
        response.AddHeader(SipHeaderNames.Supported, CallServices.Supported);
        if (!SessionExpiresValue.TryParse(request.GetHeader(SipHeaderNames.SessionExpires), out var se)) return;
        var refresher = se.Refresher ?? (SessionExpiresValue.ListsOption(request, SipHeaderNames.Supported, "timer") ? "uac" : "uas");
        response.AddHeader(SipHeaderNames.SessionExpires, new SessionExpiresValue(se.DeltaSeconds, refresher).ToString());
        if (refresher == "uac") response.AddHeader(SipHeaderNames.Require, "timer");
        SessionTimer.Start(se.DeltaSeconds, weRefresh: refresher == "uas");
    }

    /// <summary>Any state before 200 -> Ended with a final failure toward SIP.</summary>
    private void Reject(int status, string reason, string outcome, int? webCode = null, string? webReason = null)
    {
        if (State is CallState.Ended or CallState.Connecting or CallState.Active) return;
        End(new CallEnd(status, reason, outcome) { WebCause = webCode is { } code ? (code, webReason ?? reason) : null });
    }

    /// <summary>
    /// The SIP half of ending an inbound call: before the 200, the INVITE's final response (and "hangup" to every
    /// session still offered the call); after it, BYE.
    /// </summary>
    protected override bool EndSipSide(CallEnd end)
    {
        if (State is not (CallState.Routing or CallState.Offering)) return base.EndSipSide(end);
        Respond(end.Code, end.Reason);
        if (end.Web == WebNotice.Hangup)
            foreach (var s in _offered.Values) SendHangup(s, Id, end.WebCode, end.WebReason);
        return true;
    }

    protected override bool IsDialogConfirmed => State is CallState.Connecting or CallState.Active;

    protected override void HandleClientMessage(IWebSession session, ClientCallMessage message)
    {
        switch (message)
        {
            case RingingIncoming when State == CallState.Offering:
                if (_progress == OfferProgress.Trying) { _progress = OfferProgress.Ringing; Respond(180); }
                break;
            case RingingIncoming:
                break;
            case AnswerIncoming answer:
                OnAnswer(session, answer);
                break;
            case RejectIncoming reject:
                OnDecline(session, reject.Code is >= 300 and <= 699 ? reject.Code : 486);
                break;
            case Hangup when State is CallState.Offering:
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

    /// <summary>Offering -> Connecting: the first answer wins; 200 with the SIP answer (or our offer, for a late offer).</summary>
    private void OnAnswer(IWebSession session, AnswerIncoming message)
    {
        if (State != CallState.Offering || !_offered.ContainsKey(session.SessionId))
        {
            session.SendError(message.Id, "conflict", "the call is no longer offered");
            return;
        }
        if (!SessionDescription.TryParse(message.Sdp, out var browserAnswer, out var error))
        {
            session.SendError(message.Id, "bad_request", "the answer does not parse: " + error);
            return;
        }
        if (session is SipDeviceSession { Media: DeviceMedia.Rtp })
        {
            OnDirectAnswer(session, browserAnswer!);
            return;
        }
        if (!InboundTranslator.TryCreateSipAnswer(_sipOffer!, browserAnswer!, Media!.SipEndpoint, _policy, out var sipAnswer, out var failure))
        {
            session.SendError(message.Id, "bad_request", failure!.Reason);
            return;
        }
        MoveTo(CallState.Connecting, CallState.Offering);
        Web = session;
        DropPhoneRelay();
        var media = Media!;
        media.ConfigureWeb(sipAnswer!.RemoteIceUfrag ?? "", sipAnswer.RemoteIcePwd ?? "", sipAnswer.RemoteFingerprint ?? "", sipAnswer.GatewayIsDtlsServer);
        SipMapping = Mapping(sipAnswer.WebLeg ?? sipAnswer.Leg, sipAnswer.Leg); // web_codec: opus: the browser leg is Opus, transcoded
        if (sipAnswer.RemoteRtpAddress is { } address && sipAnswer.RemoteRtpPort is { } port && IPAddress.TryParse(address, out var ip))
        {
            SipRemote = new IPEndPoint(ip, port);
            media.ConfigureSip(SipRemote, SipMapping);
        }
        else _lateOffer = sipAnswer;
        Leg!.LocalSdp = sipAnswer.Sdp;
        Respond(200, null, sipAnswer.Sdp);
        StopOthers(session);
    }

    /// <summary>
    /// A registered phone answered with plain RTP: its answer goes to the caller with the gateway's relay address and the
    /// relay becomes the call's media (the web session's is freed); without a relay, its SDP as it is (the media flows
    /// between them).
    /// </summary>
    private void OnDirectAnswer(IWebSession device, SessionDescription answer)
    {
        if (_phoneRelay is { } relay && AnchorPhoneAnswer(relay, answer) is { } anchored)
        {
            _phoneRelay = null;
            AdoptMedia(relay);
            answer = anchored;
        }
        else DropPhoneRelay();
        MoveTo(CallState.Connecting, CallState.Offering);
        Web = device;
        Leg!.LocalSdp = answer;
        Respond(200, null, answer);
        StopOthers(device);
    }

    /// <summary>The phone's answer naming the relay's trunk side, both legs configured; null when it cannot be anchored.</summary>
    private SessionDescription? AnchorPhoneAnswer(ICallRelayMedia relay, SessionDescription answer)
    {
        if (_callerSdp is null || SipCallLeg.AudioEndPoint(_callerSdp) is not { } callerRtp || SipCallLeg.AudioEndPoint(answer) is not { } phoneRtp
            || RelayMapping(answer) is not { } mapping || !AnchoredSdp.TryAnchor(answer, relay.SipEndpoint, out var anchored, out _))
            return null;
        relay.ConfigurePhone(phoneRtp);
        SipMapping = mapping;
        SipRemote = callerRtp;
        relay.ConfigureSip(callerRtp, mapping);
        return anchored;
    }

    /// <summary>The first answer won: every other device hears "answered elsewhere" (a SIP device a CANCEL, RFC 3326 cause 200).</summary>
    private void StopOthers(IWebSession winner)
    {
        foreach (var other in _offered.Values.Where(s => s.SessionId != winner.SessionId).ToList())
        {
            SendHangup(other, Id, 487, WebUserCall.AnsweredElsewhere);
            Services.Registry.RemoveWeb(other.SessionId, Id, this);
            _offered.Remove(other.SessionId);
        }
        Services.Metrics.ObserveSetup(Since(ReceivedTimestamp));
    }

    /// <summary>Connecting -> Active on the ACK; a late offer's answer comes in it (§13.2.1).</summary>
    protected override void HandleAck(IncomingRequest ack)
    {
        if (State != CallState.Connecting) return;
        if (_lateOffer is { } offer)
        {
            if (SipCallLeg.ReadSdp(ack.Request) is not { } sdp || !InboundTranslator.TryApplyLateAnswer(offer, sdp, out var completed, out var failure))
            {
                End(new CallEnd(488, "Not Acceptable Here (answer in ACK)", "failed") { ByeReason = (488, "no usable answer in the ACK") });
                return;
            }
            SipMapping = Mapping(completed!.Leg, completed.Leg);
            if (IPAddress.TryParse(completed.RemoteRtpAddress, out var ip) && completed.RemoteRtpPort is { } port)
            {
                SipRemote = new IPEndPoint(ip, port);
                Media!.ConfigureSip(SipRemote, SipMapping);
            }
        }
        MoveTo(CallState.Active, CallState.Connecting);
    }

    private void OnAckTimeout()
    {
        if (State != CallState.Connecting) return;
        End(new CallEnd(408, "Request Timeout (no ACK)", "failed") { ByeReason = (408, "no ACK") });
    }

    /// <summary>A session declines; once every offered session has, the caller hears the first code.</summary>
    private void OnDecline(IWebSession session, int code, bool notify = true)
    {
        if (State != CallState.Offering || !_offered.Remove(session.SessionId)) return;
        _firstRejectCode ??= code;
        var last = _offered.Count == 0;
        Services.Registry.RemoveWeb(session.SessionId, Id, this);
        if (notify) SendHangup(session, Id, code, "Rejected");
        if (last) Reject(_firstRejectCode!.Value, SipStatus.ReasonPhrase(_firstRejectCode.Value), "rejected");
    }

    protected override void HandleCancel(IncomingRequest cancel)
    {
        // §9.2: the INVITE is answered 487; every session offered the call hears 487, and "answered elsewhere" when the
        // CANCEL says another branch of the caller's fork answered (RFC 3326 SIP cause 200: a forking proxy, another node).
        if (State is not (CallState.Offering or CallState.Routing)) return;
        if (ReasonValue.SaysCompletedElsewhere(cancel.Request)) Reject(487, "Request Terminated", "cancelled", 487, WebUserCall.AnsweredElsewhere);
        else Reject(487, "Request Terminated", "cancelled");
    }

    protected override void OnRemoteBye(SipRequest bye)
    {
        if (State == CallState.Offering)
        {
            Reject(487, "Request Terminated", "cancelled");
            return;
        }
        base.OnRemoteBye(bye);
    }

    private void OnNoAnswer()
    {
        if (State == CallState.Offering) Reject(480, "Temporarily Unavailable (no answer)", "no_answer", 487, "Request Terminated");
    }

    protected override void HandleSessionEnded(IWebSession session)
    {
        if (State == CallState.Offering)
        {
            OnDecline(session, 480, notify: false);
            return;
        }
        if (Web?.SessionId != session.SessionId) return;
        End(new CallEnd(200, "Normal", "answered") { Web = WebNotice.None, ByeReason = (480, "web session ended") });
    }

    protected override void HandleMediaEnded(MediaEndReason reason)
    {
        if (State == CallState.Offering) { Reject(500, "media failed: " + reason, "failed"); return; }
        base.HandleMediaEnded(reason);
    }

    /// <summary>Draining while the browsers are offered the call: 503 to the caller, "hangup" to each offered session.</summary>
    protected override void HandleShutdown()
    {
        if (State is CallState.Routing or CallState.Offering)
            Reject(503, "Service Unavailable (" + ShutdownCause + ")", "cancelled", 503, ShutdownCause);
        else base.HandleShutdown();
    }
}
