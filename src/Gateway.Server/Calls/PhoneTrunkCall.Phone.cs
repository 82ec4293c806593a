using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>
/// The phone's side of a <see cref="PhoneTrunkCall"/>: the gateway is the UAS of the phone's INVITE (RFC 3261 §13.3):
/// 100, then the trunk's 180/183 (183 with the anchored SDP), 200 with the anchored answer, the ACK; a failure before
/// the 200 is the INVITE's final response (the trunk's status, <see cref="PhoneStatusFor"/>); after it BYE. The phone's
/// CANCEL while dialing CANCELs the trunk's INVITE; its BYE BYEs the trunk; the trunk's BYE BYEs the phone.
/// </summary>
internal sealed partial class PhoneTrunkCall
{
    private readonly IncomingRequest _invite;
    private readonly string _toTag = SipStack.NewToken(6);
    /// <summary>The phone's dialog (UAS), once its INVITE was accepted for dialing.</summary>
    private SipCallLeg? _phone;
    /// <summary>The phone's INVITE has its final response.</summary>
    private bool _phoneAnswered;
    /// <summary>Which side sent the BYE that ends the call (nothing goes back to it).</summary>
    private ByeFrom _byeFrom;

    private enum ByeFrom { None, Phone, Trunk }

    private void RespondToPhone(int status, string? reason = null, SessionDescription? sdp = null)
    {
        if (_phoneAnswered) return;
        var response = SipResponse.CreateFor(_invite.Request, status, reason, status == 100 ? null : _toTag);
        if (status is > 100 and < 300)
        {
            response.AddHeader(SipHeaderNames.Contact, Services.Sip.CreateContact(_invite.Source));
            response.AddHeader(SipHeaderNames.Allow, CallServices.Allow);
        }
        if (status is >= 200 and < 300) response.AddHeader(SipHeaderNames.Supported, CallServices.Supported);
        if (sdp is not null) SipCallLeg.SetSdp(response, sdp);
        if (status >= 200) _phoneAnswered = true;
        Respond(_invite, response);
    }

    /// <summary>Before the trunk is dialed or while it is: the call ends with <paramref name="status"/> to the phone.</summary>
    private void Reject(int status, string reason)
    {
        if (Dialing) End(new CallEnd(status, reason, OutcomeFor(status)));
    }

    /// <summary>
    /// Both sides of ending: the phone gets the INVITE's final response before its 200 and BYE after it (unless its
    /// BYE ended the call); the trunk BYE once it answered (unless its BYE ended the call), else the failover stops and
    /// the INVITE in flight is CANCELled (-> Cancelling: finished on its final response or after 64*T1).
    /// </summary>
    protected override bool EndSipSide(CallEnd end)
    {
        if (!_phoneAnswered) RespondToPhone(end.Code is >= 300 and <= 699 ? end.Code : 500, end.Reason);
        else if (_byeFrom != ByeFrom.Phone && _phone is { } phone && State != CallState.Cancelling) SendByeOn(phone, end.ByeReason?.Cause, end.ByeReason?.Text);
        if (Leg is not null)
        {
            if (_byeFrom != ByeFrom.Trunk) SendBye(end.ByeReason?.Cause, end.ByeReason?.Text);
            return true;
        }
        if (State == CallState.Cancelling) return false;
        _stopFailover.Cancel();
        if (_attempt is not { } attempt) return true;
        _cancelling = end;
        MoveTo(CallState.Cancelling, CallState.Routing, CallState.Calling, CallState.Ringing, CallState.EarlyMedia);
        attempt.RequestCancel();
        StartTimer(CallTimer.CancelTimeout, Services.Options.Timers.Timeout);
        return false;
    }

    protected override bool IsDialogConfirmed => Leg is not null;

    /// <summary>Connecting -> Active on the phone's ACK (§13.3.1.4).</summary>
    protected override void HandleAck(IncomingRequest ack) => MoveTo(CallState.Active, CallState.Connecting);

    private void OnAckTimeout()
    {
        if (State == CallState.Connecting) End(new CallEnd(408, "Request Timeout (no ACK from the phone)", "failed") { ByeReason = (408, "no ACK") });
    }

    /// <summary>§9.2: the phone's CANCEL before our 200: 487 to it, CANCEL toward the trunk; after the 200 it changes nothing.</summary>
    protected override void HandleCancel(IncomingRequest cancel)
    {
        if (!_phoneAnswered) End(new CallEnd(487, "Request Terminated", "cancelled"));
    }

    /// <summary>The trunk hung up: BYE to the phone (or, before the phone's 200, the INVITE's final response).</summary>
    protected override void OnRemoteBye(SipRequest bye)
    {
        _byeFrom = ByeFrom.Trunk;
        End(new CallEnd(200, "Normal", IsAnswered || State == CallState.Connecting ? "answered" : "cancelled"));
    }

    /// <summary>A request in the phone's dialog (RFC 3261 §12.2.2).</summary>
    private void OnPhoneRequest(IncomingRequest incoming)
    {
        var request = incoming.Request;
        if (_phone is not { } leg || State == CallState.Ended || !_phoneAnswered || !leg.Dialog.Matches(request))
        {
            Respond(incoming, SipResponse.CreateFor(request, 481, "Call/Transaction Does Not Exist"));
            return;
        }
        if (!leg.Dialog.TryAcceptRemoteRequest(request))
        {
            Respond(incoming, SipResponse.CreateFor(request, 500, "Server Internal Error (CSeq out of order)"));
            return;
        }
        switch (request.Method)
        {
            case SipMethods.Bye:
                _byeFrom = ByeFrom.Phone;
                try { End(new CallEnd(200, "Normal", "answered")); }
                finally { Respond(incoming, SipResponse.CreateFor(request, 200)); }
                break;
            case SipMethods.Invite:
            case SipMethods.Update:
                OnPhoneReoffer(incoming, leg);
                break;
            case SipMethods.Info:
                Log.InfoReceived(Logger, Id, request.ContentType ?? "");
                Respond(incoming, SipResponse.CreateFor(request, 200));
                break;
            case SipMethods.Options:
                Respond(incoming, CallServices.ResponseWithAllow(request, 200));
                break;
            default:
                Respond(incoming, CallServices.ResponseWithAllow(request, 405));
                break;
        }
    }

    /// <summary>
    /// The phone's re-INVITE or UPDATE (a refresh, hold, a new address, RFC 3264 §8): the relay follows a new address; the
    /// answer is our description with the direction the offer asks (the trunk keeps its session: hold is not relayed).
    /// </summary>
    private void OnPhoneReoffer(IncomingRequest incoming, SipCallLeg leg)
    {
        var request = incoming.Request;
        if (State != CallState.Active)
        {
            Respond(incoming, SipResponse.CreateFor(request, 491, "Request Pending"));
            return;
        }
        var answer = leg.LocalSdp;
        if (SipCallLeg.ReadSdp(request) is { } offer)
        {
            var audio = offer.Media.FirstOrDefault(m => m.Media == "audio");
            if (audio is null || audio.IsRejected)
            {
                Respond(incoming, SipResponse.CreateFor(request, 488, "Not Acceptable Here (no audio)"));
                return;
            }
            if (offer.ConnectionFor(audio)?.IsHoldAddress != true && SipCallLeg.AudioEndPoint(offer) is { } remote) Relay.ConfigurePhone(remote);
            answer = SdpReoffer.WithDirection(leg.LocalSdp, offer.DirectionFor(audio).Reverse());
            leg.LocalSdp = answer;
        }
        var ok = SipResponse.CreateFor(request, 200);
        ok.AddHeader(SipHeaderNames.Contact, Services.Sip.CreateContact(leg.Peer));
        ok.AddHeader(SipHeaderNames.Allow, CallServices.Allow);
        SipCallLeg.SetSdp(ok, answer);
        Respond(incoming, ok);
    }

    protected override void HandleClientMessage(IWebSession session, ClientCallMessage message) =>
        session.SendError(message.Id, "not_found", "no such call");

    protected override void HandleSessionEnded(IWebSession session) { }
}
