using System.Net;
using Gateway.Dialplan;
using Gateway.Media.Bridge;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>
/// A SIP caller routed to a built-in application (<c>echo</c>, <c>playback</c>, <c>conference</c>): the gateway is the
/// UAS and the answering endpoint itself (RFC 3261 §13.3), 200 with its SDP answer (<see cref="AppAnswerer"/>) at once,
/// the application on the call's SIP leg with plain RTP. Routing -> Connecting (200 sent) -> Active (ACK) -> Ended by
/// BYE either way, an ACK timeout or the media. No browser takes part.
/// </summary>
internal sealed class SipAppCall : SipBridgedCall
{
    private readonly IncomingRequest _invite;
    private readonly string _toTag = SipStack.NewToken(6);
    private readonly CallApp _app;
    private readonly PromptCache _prompts;
    private readonly CompiledDialplan _plan;
    private ConferenceSeat? _seat;

    public SipAppCall(CallServices services, IncomingRequest invite, CallApp app, RouteDecision decision, CompiledDialplan plan,
        PromptCache prompts, string? trunk, long receivedTimestamp)
        : base(services, services.Registry.NextServerCallId(), "app", invite.Request.From?.Uri?.User ?? "", decision.Normalized, receivedTimestamp)
    {
        _invite = invite;
        _app = app;
        _plan = plan;
        _prompts = prompts;
        Route = decision.Route;
        RouteRecord = decision.Record;
        SourceTrunk = trunk;
    }

    public void Start()
    {
        // The SIP table first: a CANCEL or a retransmission arriving at once finds the call (and queues behind the start).
        Services.Registry.TryAddSip(_invite.Request.CallId!, this);
        Post(new StartCall());
    }

    protected override void Handle(CallEvent e)
    {
        switch (e)
        {
            case StartCall: OnStart(); break;
            case AckTimedOut: OnAckTimeout(); break;
            case ConferenceDigit digit when State is CallState.Connecting or CallState.Active: _seat?.OnDigit(digit.Digit); break;
            default: base.Handle(e); break;
        }
    }

    /// <summary>Routing -> Connecting: the answer, the application started, 200.</summary>
    private void OnStart()
    {
        if (State != CallState.Routing) return;
        var request = _invite.Request;
        _invite.InviteTransaction!.AckTimeout += _ => Post(new AckTimedOut());
        ReadOnlyMemory<short> prompt = default;
        if (_app.Kind == CallAppKind.Playback)
        {
            if (_app.LoadPrompt(_prompts, _plan) is not { } samples) { Reject(404, "Not Found (prompt file missing or unreadable)"); return; }
            prompt = samples;
        }
        var sipSdp = SipCallLeg.ReadSdp(request);
        if (!request.Body.IsEmpty && sipSdp is null) { Reject(400, "Bad Request (SDP does not parse)"); return; }
        if (CreateMedia() is not { } media) { Reject(503, "Service Unavailable (no media port)"); return; }
        if (!AppAnswerer.TryAnswer(sipSdp, media.SipEndpoint, _app.SipCodecs, out var answer, out var failure))
        {
            Reject(failure!.StatusCode, failure.Reason);
            return;
        }
        if (!IPAddress.TryParse(answer!.RemoteRtpAddress, out var address)) { Reject(488, "Not Acceptable Here (c= is not an IP address)"); return; }
        if (!SipDialog.TryCreateAsUas(request, _toTag, out var dialog)) { Reject(400, "Bad Request (no From tag or Contact)"); return; }
        var peer = dialog!.RouteSet.Count > 0 ? OutboundCall.PeerFor(dialog, _invite.Source) : _invite.Source;
        Leg = new SipCallLeg(dialog, peer, Services.Sip, answer.Sdp);
        SipRemote = new IPEndPoint(address, answer.RemoteRtpPort);
        media.ConfigureSipApp(SipRemote, answer.Leg.Codec.ClockRate);
        if (_app.Start(media, answer.Leg, MediaAppLeg.Sip, prompt, digit => Post(new ConferenceDigit(digit))) is { } refused)
        {
            End(refused);
            return;
        }
        if (_app.Kind == CallAppKind.Conference) _seat = new ConferenceSeat(media);
        MoveTo(CallState.Connecting, CallState.Routing);
        Respond(200, null, answer.Sdp);
        Services.Metrics.ObserveSetup(Since(ReceivedTimestamp));
    }

    private void Respond(int status, string? reason = null, Gateway.Sdp.SessionDescription? sdp = null)
    {
        var response = SipResponse.CreateFor(_invite.Request, status, reason, _toTag);
        if (status is >= 200 and < 300)
        {
            response.AddHeader(SipHeaderNames.Contact, Services.Sip.CreateContact(_invite.Source));
            response.AddHeader(SipHeaderNames.Allow, CallServices.Allow);
            response.AddHeader(SipHeaderNames.Supported, CallServices.Supported);
        }
        if (sdp is not null) SipCallLeg.SetSdp(response, sdp);
        Respond(_invite, response);
    }

    private void Reject(int status, string reason)
    {
        if (State == CallState.Routing) End(new CallEnd(status, reason, "failed"));
    }

    /// <summary>Before the 200 the INVITE's final response; after it, BYE.</summary>
    protected override bool EndSipSide(CallEnd end)
    {
        if (State != CallState.Routing) return base.EndSipSide(end);
        Respond(end.Code, end.Reason);
        return true;
    }

    protected override bool IsDialogConfirmed => State is CallState.Connecting or CallState.Active;

    /// <summary>Connecting -> Active on the ACK (§13.3.1.4).</summary>
    protected override void HandleAck(IncomingRequest ack) => MoveTo(CallState.Active, CallState.Connecting);

    private void OnAckTimeout()
    {
        if (State == CallState.Connecting) End(new CallEnd(408, "Request Timeout (no ACK)", "failed") { ByeReason = (408, "no ACK") });
    }

    /// <summary>A CANCEL crossing our 200 changes nothing (§9.2: the INVITE has its final response); the caller sends BYE.</summary>
    protected override void HandleCancel(IncomingRequest cancel) => Reject(487, "Request Terminated");

    protected override void HandleClientMessage(IWebSession session, ClientCallMessage message) =>
        session.SendError(message.Id, "not_found", "no such call");

    protected override void HandleSessionEnded(IWebSession session) { }
}
