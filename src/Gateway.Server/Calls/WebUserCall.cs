using System.Net;
using System.Text.Json.Nodes;
using Gateway.Dialplan;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;

namespace Gateway.Server.Calls;

/// <summary>
/// A browser's call to a user (dialplan <c>user:</c>): every device of the user rings (its free web sessions and its
/// registered SIP phones, <see cref="SipDeviceSession"/>), the first answer wins, the others hear "answered elsewhere".
/// The media is bridged SRTP to SRTP through two media sessions joined by their RTP legs: the caller's (its browser
/// <-> RTP) and the callee's (RTP <-> its browser, or a JsSIP client at /sip); a plain RTP phone answers the caller's
/// RTP leg itself. Each session rewrites payload type, SSRC and sequence as it does toward a trunk.
/// A user this node holds nothing of is looked up on the other nodes of the cluster first (<see cref="IRemoteUsers"/>):
/// each node holding the user rings as one more SIP device, and that node bridges the RTP to the user's browsers.
/// </summary>
internal sealed class WebUserCall : GatewayCall
{
    private static readonly SdpTranslationPolicy Policy = SdpTranslationPolicy.Default;

    private readonly SessionDescription _browserOffer;
    private IReadOnlyList<IWebSession> _targets;
    private readonly Dictionary<string, IWebSession> _offered = new(StringComparer.Ordinal);
    /// <summary>The id the callee's devices know the call by (server-chosen, so it never meets an id of the callee's own calls).</summary>
    private readonly string _calleeId;
    private BrowserOffer? _callerOffer;
    private SipOffer? _calleeOffer;
    private ICallMedia? _calleeMedia;
    private IWebSession? _callee;
    private int? _firstRejectCode;
    /// <summary>The callee side ended the call itself (its hangup): it needs no "hangup" back.</summary>
    private bool _calleeDone;

    public WebUserCall(CallServices services, IWebSession session, PlaceCall message, SessionDescription browserOffer, RouteDecision decision,
        IReadOnlyList<IWebSession> targets, string caller, long receivedTimestamp)
        : base(services, message.Id, "internal", caller, decision.Target ?? decision.Normalized, receivedTimestamp)
    {
        Web = session;
        Route = decision.Route;
        RouteRecord = decision.Record;
        _browserOffer = browserOffer;
        _targets = targets;
        _calleeId = services.Registry.NextServerCallId();
    }

    public const string AnsweredElsewhere = "answered elsewhere";

    /// <summary>Routing -> Calling: both media sessions, then every device of the user rings.</summary>
    public void Start() => Post(new StartCall());

    protected override void Handle(CallEvent e)
    {
        switch (e)
        {
            case StartCall start: OnStart(start.Sessions); break;
            case TimerFired { Timer: CallTimer.NoAnswer }:
                if (State is CallState.Calling or CallState.Ringing) End(new CallEnd(480, "Temporarily Unavailable (no answer)", "no_answer"));
                break;
            default: base.Handle(e); break;
        }
    }

    private void OnStart(IReadOnlyList<IWebSession>? located)
    {
        if (State != CallState.Routing) return;
        if (located is not null) _targets = located;
        else if (_targets.Count == 0 && Services.RemoteUsers is { } remote)
        {
            LocateOnOtherNodes(remote);
            return;
        }
        if (_targets.Count == 0)
        {
            End(new CallEnd(480, "Temporarily Unavailable", "no_answer"));
            return;
        }
        if (CreateMedia() is not { } media)
        {
            End(new CallEnd(503, "Service Unavailable (no media port)", "failed"));
            return;
        }
        if (!JsepToSipTranslator.TryCreateSipOffer(_browserOffer, media.SipEndpoint, Policy, out var sipOffer, out var callerOffer, out var failure))
        {
            End(new CallEnd(failure!.StatusCode, failure.Reason, "failed"));
            return;
        }
        _callerOffer = callerOffer;
        SessionDescription? calleeBrowserOffer = null;
        if (_targets.Any(t => t is not SipDeviceSession { Media: DeviceMedia.Rtp }))
        {
            try
            {
                _calleeMedia = Services.Media.Create();
                _calleeMedia.Ended += reason => Post(new MediaEnded(reason));
            }
            catch (Exception e) when (e is Gateway.Media.Bridge.MediaUnavailableException or InvalidOperationException)
            {
                End(new CallEnd(503, "Service Unavailable (no media port)", "failed"));
                return;
            }
            if (!InboundTranslator.TryCreateBrowserOffer(sipOffer, _calleeMedia.WebEndpoint, Policy, out calleeBrowserOffer, out _calleeOffer, out failure))
            {
                End(new CallEnd(failure!.StatusCode, failure.Reason, "failed"));
                return;
            }
        }
        MoveTo(CallState.Calling, CallState.Routing);
        var sdp = calleeBrowserOffer?.ToString();
        foreach (var target in _targets)
        {
            _offered[target.SessionId] = target;
            Services.Registry.TryAddWeb(target.SessionId, _calleeId, this);
            if (target is SipDeviceSession device) device.Ring(this, _calleeId, From, device.Media == DeviceMedia.Rtp ? sipOffer! : calleeBrowserOffer!);
            else target.Send(new JsonObject { ["type"] = "incoming", ["id"] = _calleeId, ["from"] = From, ["display"] = From, ["sdp"] = sdp });
        }
        StartTimer(CallTimer.NoAnswer, Services.Options.NoAnswerTimeout);
    }

    /// <summary>The lookup's result comes back through the call's queue (a hangup meanwhile ends the call in Routing).</summary>
    private void LocateOnOtherNodes(IRemoteUsers remote) =>
        _ = remote.LocateAsync(To).ContinueWith(t => Post(new StartCall(t.IsCompletedSuccessfully
                ? [.. t.Result.Select(node => (IWebSession)new SipDeviceSession(Services, node))] : [])),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    protected override void HandleClientMessage(IWebSession session, ClientCallMessage message)
    {
        if (message.Id == _calleeId && session != Web) HandleCallee(session, message);
        else HandleCaller(session, message);
    }

    private void HandleCaller(IWebSession session, ClientCallMessage message)
    {
        switch (message)
        {
            case Hangup when IsAnswered:
                End(new CallEnd(200, "Normal", "answered"));
                break;
            case Hangup:
                End(new CallEnd(487, "Request Terminated", "cancelled"));
                break;
            case SendDtmf dtmf:
                SendDtmf(session, Media, dtmf);
                break;
            default:
                session.SendError(message.Id, "bad_request", "not supported in a call between users");
                break;
        }
    }

    private void HandleCallee(IWebSession session, ClientCallMessage message)
    {
        switch (message)
        {
            case RingingIncoming when MoveTo(CallState.Ringing, CallState.Calling):
                SendTyped(Web!, "ringing", Id);
                break;
            case RingingIncoming:
                break;
            case AnswerIncoming answer:
                OnAnswer(session, answer);
                break;
            case RejectIncoming reject:
                OnDecline(session, reject.Code is >= 300 and <= 699 ? reject.Code : 486);
                break;
            case Hangup when session == _callee:
                _calleeDone = true;
                End(new CallEnd(200, "Normal", "answered"));
                break;
            case Hangup:
                OnDecline(session, 486);
                break;
            case SendDtmf dtmf when session == _callee:
                // Toward the caller through the callee's media session; a plain RTP phone sends its RFC 4733 to the caller's leg itself.
                SendDtmf(session, session is SipDeviceSession { Media: DeviceMedia.Rtp } ? null : _calleeMedia, dtmf);
                break;
            default:
                session.SendError(message.Id, "bad_request", "not supported in a call between users");
                break;
        }
    }

    /// <summary>RFC 4733 toward the other side: through the RTP leg joining the two media sessions.</summary>
    private static void SendDtmf(IWebSession session, ICallMedia? media, SendDtmf dtmf)
    {
        try { media?.SendDtmfToSip(dtmf.Digits, dtmf.DurationMs); }
        catch (InvalidOperationException e) { session.SendError(dtmf.Id, "bad_request", e.Message); }
    }

    /// <summary>Calling/Ringing -> Active: the first answer joins the two sides' media; the other devices stop ringing.</summary>
    private void OnAnswer(IWebSession session, AnswerIncoming message)
    {
        if (State is not (CallState.Calling or CallState.Ringing) || !_offered.ContainsKey(session.SessionId))
        {
            session.SendError(message.Id, "conflict", "the call is no longer offered");
            return;
        }
        if (!SessionDescription.TryParse(message.Sdp, out var answer, out var error))
        {
            session.SendError(message.Id, "bad_request", "the answer does not parse: " + error);
            return;
        }
        var calleeSdp = answer!;
        if (session is not SipDeviceSession { Media: DeviceMedia.Rtp })
        {
            // The callee's browser answers its media session; that session's RTP answer is what the caller's side hears.
            if (!InboundTranslator.TryCreateSipAnswer(_calleeOffer!, answer!, _calleeMedia!.SipEndpoint, Policy, out var sipAnswer, out var failure))
            {
                session.SendError(message.Id, "bad_request", failure!.Reason);
                return;
            }
            _calleeMedia.ConfigureWeb(sipAnswer!.RemoteIceUfrag ?? "", sipAnswer.RemoteIcePwd ?? "", sipAnswer.RemoteFingerprint ?? "", sipAnswer.GatewayIsDtlsServer);
            if (EndPointOf(sipAnswer.RemoteRtpAddress, sipAnswer.RemoteRtpPort) is { } callerRtp)
                _calleeMedia.ConfigureSip(callerRtp, SipBridgedCall.Mapping(sipAnswer.Leg, sipAnswer.Leg));
            calleeSdp = sipAnswer.Sdp;
        }
        if (!SipToJsepTranslator.TryCreateBrowserAnswer(_callerOffer!, calleeSdp, Media!.WebEndpoint, out var callerAnswer, out var refused))
        {
            session.SendError(message.Id, "bad_request", refused!.Reason);
            return;
        }
        Media.ConfigureWeb(callerAnswer!.RemoteIceUfrag ?? "", callerAnswer.RemoteIcePwd ?? "", callerAnswer.RemoteFingerprint ?? "", callerAnswer.GatewayIsDtlsServer);
        if (EndPointOf(callerAnswer.RemoteRtpAddress, callerAnswer.RemoteRtpPort) is { } calleeRtp)
            Media.ConfigureSip(calleeRtp, SipBridgedCall.Mapping(callerAnswer.BrowserLeg, callerAnswer.SipLeg));
        _callee = session;
        MoveTo(CallState.Active, CallState.Calling, CallState.Ringing);
        foreach (var other in _offered.Values.Where(s => s != session).ToList())
        {
            SendHangup(other, _calleeId, 487, AnsweredElsewhere);
            Services.Registry.RemoveWeb(other.SessionId, _calleeId, this);
            _offered.Remove(other.SessionId);
        }
        SendTyped(Web!, "answer", Id, callerAnswer.Sdp.ToString());
        Services.Metrics.ObserveSetup(Since(ReceivedTimestamp));
    }

    private static IPEndPoint? EndPointOf(string? address, int? port) =>
        IPAddress.TryParse(address, out var ip) && port is { } p ? new IPEndPoint(ip, p) : null;

    /// <summary>A device declines; once every one has, the caller hears the first code.</summary>
    private void OnDecline(IWebSession session, int code)
    {
        if (State is not (CallState.Calling or CallState.Ringing) || !_offered.Remove(session.SessionId)) return;
        _firstRejectCode ??= code;
        Services.Registry.RemoveWeb(session.SessionId, _calleeId, this);
        if (_offered.Count == 0) End(new CallEnd(_firstRejectCode.Value, Gateway.Sip.Messages.SipStatus.ReasonPhrase(_firstRejectCode.Value), OutcomeFor(_firstRejectCode.Value)));
    }

    /// <summary>The callee's half of ending: "hangup" to the device that answered, or to every device still ringing.</summary>
    protected override bool EndSipSide(CallEnd end)
    {
        if (_callee is { } callee)
        {
            if (!_calleeDone) SendHangup(callee, _calleeId, end.WebCode, end.WebReason);
        }
        else foreach (var s in _offered.Values) SendHangup(s, _calleeId, end.WebCode, end.WebReason);
        return true;
    }

    protected override void HandleSessionEnded(IWebSession session)
    {
        if (session == Web)
        {
            End(new CallEnd(IsAnswered ? 200 : 487, IsAnswered ? "Normal" : "Request Terminated", IsAnswered ? "answered" : "cancelled") { Web = WebNotice.None });
            return;
        }
        if (session == _callee)
        {
            _calleeDone = true;
            End(new CallEnd(200, "Normal", "answered"));
            return;
        }
        OnDecline(session, 480);
    }

    protected override void OnFinished()
    {
        if (_calleeMedia is { } media) _ = media.DisposeAsync().AsTask();
    }
}
