using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Dialplan;
using Gateway.Sdp;
using Gateway.Server.Registrar;
using Gateway.Server.Signaling;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;
using Gateway.Sip.Transport;

namespace Gateway.Server.Calls;

/// <summary>
/// A registered SIP device (a registrar binding) rung for a call to its user, seen by the call as one more session of
/// the user, so forking, first answer wins and the end path are the calls' own. <see cref="Ring"/> sends the INVITE
/// over the binding's flow (RFC 5626 §5.3: the address the REGISTER came from, its connection for TCP/TLS/WS); the
/// device's 180, 2xx and failures come back to the call as <c>ringing</c>, <c>answer</c> and <c>reject</c>; the call's
/// <c>hangup</c> is a CANCEL before the answer (RFC 3326 Reason cause 200 "Call completed elsewhere" when another device
/// won, RFC 3261 §9.1) and a BYE after it; the device's BYE is the call's <c>hangup</c>.
/// Its own state moves by compare-and-swap: the transaction's threads and the call's loop both reach it.
/// </summary>
internal sealed class SipDeviceSession : IWebSession
{
    /// <summary>RFC 3326 §2: the CANCEL of a fork another branch answered.</summary>
    public const string CompletedElsewhere = "SIP ;cause=200 ;text=\"Call completed elsewhere\"";

    private readonly CallServices _services;
    private readonly RegisteredDevice _device;
    private int _phase = (int)DevicePhase.Idle;
    private GatewayCall? _call;
    private string _callId = "";
    private TrunkAttempt? _attempt;
    private SipCallLeg? _leg;

    public SipDeviceSession(CallServices services, RegisteredDevice device)
    {
        _services = services;
        _device = device;
        SessionId = "sip-" + SipStack.NewToken(6);
    }

    public string SessionId { get; }
    public string? RegisteredUser => _device.User;
    public string? Identity => _device.User;
    public IPAddress RemoteAddress => _device.Destination.Address.Address;
    public RegisteredDevice Device => _device;

    /// <summary>WebSocket clients (JsSIP, SIP.js) take the browser's WebRTC offer (RFC 7118 §1); the others plain RTP.</summary>
    public DeviceMedia Media => _device.Destination.Protocol is SipTransportProtocol.Ws or SipTransportProtocol.Wss ? DeviceMedia.WebRtc : DeviceMedia.Rtp;

    /// <summary>The Call-ID of the INVITE toward the device (its dialog's in-dialog requests are found by it).</summary>
    public string? SipCallId => _attempt?.CallId;

    private DevicePhase Phase => (DevicePhase)Volatile.Read(ref _phase);
    private bool Move(DevicePhase from, DevicePhase to) => Interlocked.CompareExchange(ref _phase, (int)to, (int)from) == (int)from;

    /// <summary>INVITE to the device with <paramref name="offer"/> (WebRTC for <see cref="DeviceMedia.WebRtc"/>, else RTP) for call <paramref name="id"/>.</summary>
    public void Ring(GatewayCall call, string id, string from, SessionDescription offer)
    {
        if (!Move(DevicePhase.Idle, DevicePhase.Ringing)) return;
        _call = call;
        _callId = id;
        var transport = _device.Destination.Protocol.ToString().ToLowerInvariant();
        var trunk = new TrunkDefinition("user:" + _device.User, _device.Contact.ToString(), transport, null, null, false, [], "rfc4733", null, []);
        var identity = OutboundIdentity.For(trunk, CallerIdentity.None, from, _services.Sip.Domain);
        var attempt = new TrunkAttempt(_services.Sip, trunk, _device.Destination, _device.Contact, identity, offer, null,
            0, (_, response) => OnProvisional(response), _services.Time);
        _attempt = attempt;
        _services.Registry.TryAddDevice(attempt.CallId, this);
        _ = attempt.RunAsync(() => { }).ContinueWith(t => OnFinal(t.IsCompletedSuccessfully ? t.Result : null),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnProvisional(SipResponse response)
    {
        if (response.StatusCode is 180 or 183 && Phase == DevicePhase.Ringing) Tell(new RingingIncoming(_callId));
    }

    private void OnFinal(SipResponse? final)
    {
        var attempt = _attempt!;
        if (final is { IsSuccess: true } && SipDialog.TryCreateAsUac(attempt.Invite, final, out var dialog))
        {
            var leg = new SipCallLeg(dialog!, _device.Destination, _services.Sip, attempt.SipOffer);
            leg.SendAck(attempt.Invite.CSeq!.Value.Number);
            _leg = leg;
            if (Move(DevicePhase.Ringing, DevicePhase.Answered))
            {
                Tell(new AnswerIncoming(_callId, Encoding.UTF8.GetString(final.Body.Span)));
                return;
            }
            // The call gave up meanwhile (answered elsewhere, cancelled): the 200 crossed our CANCEL, so ACK, then BYE (§15).
            SendBye(200, "Call completed elsewhere");
            Finish();
            return;
        }
        if (Move(DevicePhase.Ringing, DevicePhase.Ended)) Tell(new RejectIncoming(_callId, final?.StatusCode is >= 300 and <= 699 ? final.StatusCode : 480));
        Finish();
    }

    /// <summary>What the call tells its sessions: only <c>hangup</c> (and an <c>error</c> refusing our answer) concern a device.</summary>
    public void Send(JsonObject message)
    {
        if ((string?)message["id"] != _callId) return;
        switch ((string?)message["type"])
        {
            case "hangup":
                Stop(elsewhere: (string?)message["reason"] == WebUserCall.AnsweredElsewhere);
                break;
        }
    }

    /// <summary>The call refused our answer (another device won the race): the device's dialog ends.</summary>
    public void SendError(string? id, string code, string message)
    {
        if (id == _callId && Move(DevicePhase.Answered, DevicePhase.Ended))
        {
            SendBye(200, "Call completed elsewhere");
            Finish();
        }
    }

    private void Stop(bool elsewhere)
    {
        if (Move(DevicePhase.Ringing, DevicePhase.Cancelling))
        {
            if (elsewhere) _attempt!.CancelReason = CompletedElsewhere;
            _attempt!.RequestCancel();
            return;
        }
        if (Move(DevicePhase.Answered, DevicePhase.Ended))
        {
            SendBye(null, null);
            Finish();
        }
    }

    /// <summary>A request in the device's dialog: BYE ends the call; the rest is answered so the dialog stays usable.</summary>
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
                if (Move(DevicePhase.Answered, DevicePhase.Ended))
                {
                    Tell(new Hangup(_callId));
                    Finish();
                }
                break;
            case SipMethods.Invite or SipMethods.Update:
                // A refresh or hold from the device: our last SDP again (RFC 3264 §8: the session stays as it is).
                var ok = SipResponse.CreateFor(request, 200);
                ok.AddHeader(SipHeaderNames.Contact, _services.Sip.CreateContact(_device.Destination));
                SipCallLeg.SetSdp(ok, leg.LocalSdp);
                incoming.Respond(ok);
                break;
            case SipMethods.Info when Gateway.Sip.Dtmf.InfoDtmf.TryParse(request.ContentType, request.Body.Span, out var digit, out var duration):
                // A digit from a WebRTC device (JsSIP, SIP.js): the call sends it on through its media as RFC 4733 (or
                // as INFO to a dtmf: info trunk). A plain RTP phone's media bypasses us: its RFC 4733 reaches the peer itself.
                incoming.Respond(SipResponse.CreateFor(request, 200));
                if (Phase == DevicePhase.Answered && Media == DeviceMedia.WebRtc) Tell(new SendDtmf(_callId, digit.ToString(), duration));
                break;
            default:
                incoming.Respond(SipResponse.CreateFor(request, 200));
                break;
        }
    }

    /// <summary>A 2xx retransmission (our ACK was lost): the same ACK again (RFC 3261 §13.2.2.4).</summary>
    public void OnStrayResponse(SipResponse response) => _leg?.ResendAck();

    private void Tell(ClientCallMessage message) => _call?.OnClientMessage(this, message);

    private void SendBye(int? cause, string? text)
    {
        if (_leg is not { } leg) return;
        var bye = leg.Create(SipMethods.Bye);
        if (cause is { } c) bye.AddHeader("Reason", SipCallLeg.ReasonHeader(c, text ?? ""));
        _ = leg.SendAsync(bye);
    }

    private void Finish()
    {
        Volatile.Write(ref _phase, (int)DevicePhase.Ended);
        if (_attempt is { } attempt) _services.Registry.RemoveDevice(attempt.CallId, this);
    }
}

/// <summary>What a device's media is: the browser's (ICE, DTLS-SRTP) or plain RTP.</summary>
internal enum DeviceMedia
{
    WebRtc,
    Rtp,
}

/// <summary>Where the INVITE to a device is.</summary>
internal enum DevicePhase
{
    Idle,
    Ringing,
    /// <summary>The call hung up before the answer: CANCEL asked for (a crossing 2xx gets ACK + BYE).</summary>
    Cancelling,
    Answered,
    Ended,
}
