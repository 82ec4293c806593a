using System.Net;
using System.Text.Json.Nodes;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Dtmf;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;
using Gateway.Sip.Transport;

namespace Gateway.Server.Calls;

/// <summary>
/// A WebRTC phone calling (JsSIP, SIP.js at <c>/sip</c>, RFC 7118): its INVITE carries a browser offer (ICE, DTLS-SRTP,
/// RFC 8827 §6), so the gateway places it as a browser's call (<see cref="CallController"/>: an app, a user or a trunk
/// by the dialplan, routed as the authenticated user) with this object as the caller's session. The call's messages
/// become the INVITE's responses (<c>ringing</c> 180, <c>progress</c> 183 with the answer, <c>answer</c> 200, a
/// <c>hangup</c> before the answer its final status, after it BYE); the phone's CANCEL and BYE are the call's
/// <c>hangup</c>, its SIP INFO digits (<see cref="InfoDtmf"/>) the call's <c>dtmf</c>, and so is its WebSocket
/// connection closing (RFC 5626 §4.4: the flow is gone). The mirror of
/// <see cref="SipDeviceSession"/>, which is a rung WebRTC phone. Its own phase moves by compare-and-swap: the
/// transport's threads and the call's loop both reach it.
/// </summary>
internal sealed class SipWebRtcCaller : IWebSession
{
    /// <summary>The call's id in this session's namespace (one call per session).</summary>
    private const string CallIdInSession = "c1";

    private readonly CallServices _services;
    private readonly IncomingRequest _invite;
    private readonly ICallController _calls;
    private readonly string _toTag = SipStack.NewToken(6);
    private int _phase = (int)CallerPhase.Offered;
    private SipCallLeg? _leg;
    private WebSocketSipTransport? _flows;

    public SipWebRtcCaller(CallServices services, IncomingRequest invite, string user, ICallController calls)
    {
        _services = services;
        _invite = invite;
        _calls = calls;
        Identity = user;
        SessionId = "sipc-" + SipStack.NewToken(6);
    }

    public string SessionId { get; }
    public string? RegisteredUser => null;
    public string? Identity { get; }
    public IPAddress RemoteAddress => _invite.Source.Address.Address;

    /// <summary>Whether the INVITE's SDP is a usable browser offer (ICE credentials, a DTLS fingerprint and setup).</summary>
    public static bool IsWebRtcOffer(SipRequest invite) => SipCallLeg.ReadSdp(invite) is { } sdp && WebRtcOfferCheck.Check(sdp) is null;

    private CallerPhase Phase => (CallerPhase)Volatile.Read(ref _phase);
    private bool Move(CallerPhase from, CallerPhase to) => Interlocked.CompareExchange(ref _phase, (int)to, (int)from) == (int)from;

    /// <summary>Places the call: the Request-URI is the number dialed, the INVITE's SDP the browser's offer.</summary>
    public void Start()
    {
        var request = _invite.Request;
        _services.Registry.TryAddCaller(request.CallId!, this);
        _invite.InviteTransaction!.AckTimeout += _ => OnAckTimeout();
        // RFC 5626 §4.4: the phone's connection is its flow; when it closes (a tab closed, no BYE) the call ends.
        _flows = _services.Sip.Stack.Transports.OfType<WebSocketSipTransport>().FirstOrDefault(t => t.Protocol == _invite.Source.Protocol);
        if (_flows is not null) _flows.ConnectionClosed += OnFlowClosed;
        _calls.OnMessage(this, new PlaceCall(CallIdInSession, request.RequestUri.ToString(), System.Text.Encoding.UTF8.GetString(request.Body.Span)));
    }

    /// <summary>What the call tells its caller, as SIP toward the phone (RFC 3261 §13.3.1).</summary>
    public void Send(JsonObject message)
    {
        if ((string?)message["id"] != CallIdInSession) return;
        switch ((string?)message["type"])
        {
            case "ringing" when Phase == CallerPhase.Offered:
                Respond(180);
                break;
            case "progress" when Phase == CallerPhase.Offered && Parse(message) is { } early:
                Respond(183, early); // RFC 3261 §13.3.1.1: early media with the answer
                break;
            case "answer":
                OnAnswer(message);
                break;
            case "hangup":
                OnHangup((int?)message["code"] ?? 200, (string?)message["reason"]);
                break;
        }
    }

    /// <summary>A refusal of the call itself (draining, a conflict): the INVITE fails with it.</summary>
    public void SendError(string? id, string code, string message)
    {
        if (id != CallIdInSession || !Move(CallerPhase.Offered, CallerPhase.Ended)) return;
        Respond(code == SignalingErrorCodes.Unavailable ? 503 : 500, null, message);
        Tell(new Hangup(CallIdInSession));
        Finish();
    }

    private void OnAnswer(JsonObject message)
    {
        var request = _invite.Request;
        if (Parse(message) is not { } sdp || !SipDialog.TryCreateAsUas(request, _toTag, out var dialog))
        {
            SendError(CallIdInSession, SignalingErrorCodes.BadRequest, "Server Internal Error (no usable answer)");
            return;
        }
        _leg = new SipCallLeg(dialog!, _invite.Source, _services.Sip, sdp);
        if (Move(CallerPhase.Offered, CallerPhase.Answered)) Respond(200, sdp);
    }

    /// <summary>Before the answer the INVITE's final response (a 2xx code there is the call's own end: 487); after it BYE.</summary>
    private void OnHangup(int code, string? reason)
    {
        if (Move(CallerPhase.Offered, CallerPhase.Ended))
        {
            Respond(code is >= 300 and <= 699 ? code : 487, null, code is >= 300 and <= 699 ? reason : null);
            Finish();
        }
        else if (Move(CallerPhase.Answered, CallerPhase.Ended))
        {
            if (_leg is { } leg) _ = leg.SendAsync(leg.Create(SipMethods.Bye));
            Finish();
        }
    }

    /// <summary>§9.2: the phone gave up before the answer, 487 to its INVITE.</summary>
    public void OnCancel()
    {
        if (!Move(CallerPhase.Offered, CallerPhase.Ended)) return;
        Respond(487);
        Tell(new Hangup(CallIdInSession));
        Finish();
    }

    /// <summary>A request in the phone's dialog: BYE ends the call, INFO digits go on as the call's dtmf, the rest keeps the dialog.</summary>
    public void OnInDialogRequest(IncomingRequest incoming)
    {
        var request = incoming.Request;
        if (_leg is not { } leg || !leg.Dialog.Matches(request) || !leg.Dialog.TryAcceptRemoteRequest(request))
        {
            incoming.Respond(SipResponse.CreateFor(request, 481, "Call/Transaction Does Not Exist"));
            return;
        }
        switch (request.Method)
        {
            case SipMethods.Bye:
                incoming.Respond(SipResponse.CreateFor(request, 200));
                if (Move(CallerPhase.Answered, CallerPhase.Ended))
                {
                    Tell(new Hangup(CallIdInSession));
                    Finish();
                }
                break;
            case SipMethods.Invite or SipMethods.Update:
                // A refresh from the phone: our last SDP again (RFC 3264 §8: the session stays as it is).
                var ok = SipResponse.CreateFor(request, 200);
                ok.AddHeader(SipHeaderNames.Contact, _services.Sip.CreateContact(_invite.Source));
                SipCallLeg.SetSdp(ok, leg.LocalSdp);
                incoming.Respond(ok);
                break;
            case SipMethods.Info when InfoDtmf.TryParse(request.ContentType, request.Body.Span, out var digit, out var duration):
                // application/dtmf-relay or application/dtmf: the call sends the digit on (RFC 4733 through its media,
                // INFO to a dtmf: info trunk, dtmf to a web user).
                incoming.Respond(SipResponse.CreateFor(request, 200));
                if (Phase == CallerPhase.Answered) Tell(new SendDtmf(CallIdInSession, digit.ToString(), duration));
                break;
            default:
                incoming.Respond(SipResponse.CreateFor(request, 200));
                break;
        }
    }

    /// <summary>§13.3.1.4: no ACK for our 2xx within 64*T1, the call ends (BYE).</summary>
    private void OnAckTimeout()
    {
        if (Phase != CallerPhase.Answered) return;
        Tell(new Hangup(CallIdInSession));
        OnHangup(408, "no ACK");
    }

    /// <summary>The phone's WebSocket connection is gone: nothing can reach it any more, so the call ends without SIP.</summary>
    private void OnFlowClosed(SipEndPoint flow)
    {
        if (flow != _invite.Source || !(Move(CallerPhase.Offered, CallerPhase.Ended) || Move(CallerPhase.Answered, CallerPhase.Ended))) return;
        Tell(new Hangup(CallIdInSession));
        Finish();
    }

    private static SessionDescription? Parse(JsonObject message) =>
        SessionDescription.TryParse((string?)message["sdp"] ?? "", out var sdp, out _) ? sdp : null;

    private void Respond(int status, SessionDescription? sdp = null, string? reason = null)
    {
        var response = SipResponse.CreateFor(_invite.Request, status, reason, _toTag);
        if (status is > 100 and < 300)
        {
            response.AddHeader(SipHeaderNames.Contact, _services.Sip.CreateContact(_invite.Source));
            if (status >= 200)
            {
                response.AddHeader(SipHeaderNames.Allow, CallServices.Allow);
                response.AddHeader(SipHeaderNames.Supported, CallServices.Supported);
            }
        }
        if (sdp is not null) SipCallLeg.SetSdp(response, sdp);
        _invite.Respond(response);
        _services.Metrics.SipResponse(status);
    }

    private void Tell(ClientCallMessage message) => _calls.OnMessage(this, message);

    private void Finish()
    {
        if (_flows is not null) _flows.ConnectionClosed -= OnFlowClosed;
        _services.Registry.RemoveCaller(_invite.Request.CallId!, this);
    }
}

/// <summary>Where a WebRTC phone's INVITE is.</summary>
internal enum CallerPhase
{
    Offered,
    Answered,
    Ended,
}
