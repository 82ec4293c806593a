using System.Text;
using System.Text.Json.Nodes;
using Gateway.Media.Bridge;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>Requests from the SIP side within the call's dialog (RFC 3261 §12.2.2).</summary>
internal abstract partial class SipBridgedCall
{
    /// <summary>The SIP side's direction from its last offer (RFC 3264 §8.4): it holds us with sendonly/inactive.</summary>
    private SdpDirection _remoteDirection = SdpDirection.SendRecv;

    /// <summary>An in-dialog request (anything but ACK and CANCEL) whose Call-ID names this call.</summary>
    private void HandleInDialogRequest(IncomingRequest incoming)
    {
        var request = incoming.Request;
        if (request.Method != SipMethods.Invite && TryHandleReplacedLeg(incoming)) return;
        if (Leg is not { } leg || State == CallState.Ended || !leg.Dialog.Matches(request))
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
                // The call leaves the tables before the 200 goes out: a peer that calls again at once finds the user free.
                try { OnRemoteBye(request); }
                finally { Respond(incoming, SipResponse.CreateFor(request, 200)); }
                break;
            case SipMethods.Invite:
            case SipMethods.Update:
                OnRemoteOffer(incoming);
                break;
            case SipMethods.Info:
                // DTMF relay from SIP has no message in the client protocol: acknowledged and logged.
                Log.InfoReceived(Logger, Id, request.ContentType ?? "");
                Respond(incoming, SipResponse.CreateFor(request, 200));
                break;
            case SipMethods.Notify:
                OnNotify(incoming);
                break;
            case SipMethods.Refer:
                OnReferFromSip(incoming);
                break;
            case SipMethods.Options:
                Respond(incoming, CallServices.ResponseWithAllow(request, 200));
                break;
            case SipMethods.Prack:
                OnPrack(incoming);
                break;
            default:
                Respond(incoming, CallServices.ResponseWithAllow(request, 405));
                break;
        }
    }

    /// <summary>A PRACK (RFC 3262 §3): only an inbound call sends reliable provisionals; anything else has none to match (481).</summary>
    protected virtual void OnPrack(IncomingRequest prack) =>
        Respond(prack, SipResponse.CreateFor(prack.Request, 481, "Call/Transaction Does Not Exist (no reliable provisional)"));

    /// <summary>The SIP side hung up.</summary>
    protected virtual void OnRemoteBye(SipRequest bye) => End(CallEnd.ByRemote(IsAnswered ? "answered" : "cancelled"));

    /// <summary>
    /// A re-INVITE or UPDATE: a session refresh (RFC 4028) and/or a new offer (hold, resume, new address, RFC 3264 §8).
    /// Without SDP the answer carries our current description as an offer (the answer comes in the ACK, ignored).
    /// </summary>
    private void OnRemoteOffer(IncomingRequest incoming)
    {
        var request = incoming.Request;
        if (Leg is not { } leg) return;
        if (!IsAnswered)
        {
            // Before the answer there is no session to change: the offer/answer of the INVITE is still open (RFC 3311 §5.2).
            Respond(incoming, SipResponse.CreateFor(request, 491, "Request Pending"));
            return;
        }
        if (_reinvite is not null)
        {
            Respond(incoming, SipResponse.CreateFor(request, 491, "Request Pending")); // RFC 3261 §14.2: glare
            return;
        }
        SessionDescription answer = leg.LocalSdp;
        if (SipCallLeg.ReadSdp(request) is { } offer)
        {
            var audio = offer.Media.FirstOrDefault(m => m.Media == "audio");
            if (audio is null || audio.IsRejected)
            {
                Respond(incoming, SipResponse.CreateFor(request, 488, "Not Acceptable Here (no audio)"));
                return;
            }
            // No transcoding: the new offer must keep the codec in use (its payload type may change).
            var inUse = leg.LocalSdp.Media.FirstOrDefault(m => m.Media == "audio")?.RtpMaps.FirstOrDefault(m => !m.Encoding.Equals("telephone-event", StringComparison.OrdinalIgnoreCase));
            var kept = inUse is null ? null : audio.RtpMaps.FirstOrDefault(m => m.SameCodec(inUse));
            if (inUse is not null && kept is null)
            {
                Respond(incoming, SipResponse.CreateFor(request, 488, $"Not Acceptable Here ({inUse.Encoding} must stay)"));
                return;
            }
            if (!TryRekeyFromOffer(audio, out var answerCrypto, out var srtpFailure)) // SipBridgedCall.Srtp.cs
            {
                Respond(incoming, SipResponse.CreateFor(request, 488, "Not Acceptable Here (" + srtpFailure + ")"));
                return;
            }
            if (kept is not null && SipMapping is { } current && kept.PayloadType != current.SipPayloadType)
            {
                SipMapping = current with { SipPayloadType = kept.PayloadType };
                if (SipRemote is { } address) Media?.ConfigureSip(address, SipMapping);
            }
            var holdAddress = offer.ConnectionFor(audio)?.IsHoldAddress == true;
            var offered = holdAddress ? SdpDirection.Inactive : offer.DirectionFor(audio);
            var held = offered is SdpDirection.SendOnly or SdpDirection.Inactive;
            if (!holdAddress && SipCallLeg.AudioEndPoint(offer) is { } remote && !remote.Equals(SipRemote) && SipMapping is { } mapping)
            {
                SipRemote = remote;
                Media?.ConfigureSip(remote, mapping);
            }
            answer = SdpReoffer.WithDirection(leg.LocalSdp, _hold == HoldState.Held ? Combine(SdpDirection.SendOnly, offered.Reverse()) : offered.Reverse());
            if (answerCrypto is not null) SdesRekey.SetAnswer(answer.Media.First(m => m.Media == "audio"), answerCrypto);
            leg.LocalSdp = answer;
            var wasHeld = _remoteDirection is SdpDirection.SendOnly or SdpDirection.Inactive;
            _remoteDirection = offered;
            ApplyForwarding();
            if (held != wasHeld)
            {
                if (Web is { } web) SendTyped(web, held ? "held" : "resumed", Id);
            }
        }
        var ok = SipResponse.CreateFor(request, 200);
        ok.AddHeader(SipHeaderNames.Contact, Services.Sip.CreateContact(leg.Peer));
        ok.AddHeader(SipHeaderNames.Allow, CallServices.Allow);
        ok.AddHeader(SipHeaderNames.Supported, CallServices.Supported);
        AddSessionTimerHeaders(request, ok);
        SipCallLeg.SetSdp(ok, answer);
        Respond(incoming, ok);
        SessionTimer.Refreshed();
    }

    /// <summary>What both hold states leave of a direction: sendonly from us intersected with what the peer asked.</summary>
    private static SdpDirection Combine(SdpDirection ours, SdpDirection answered)
    {
        var send = ours is SdpDirection.SendOnly or SdpDirection.SendRecv && answered is SdpDirection.SendOnly or SdpDirection.SendRecv;
        var receive = ours is SdpDirection.RecvOnly or SdpDirection.SendRecv && answered is SdpDirection.RecvOnly or SdpDirection.SendRecv;
        return (send, receive) switch
        {
            (true, true) => SdpDirection.SendRecv,
            (true, false) => SdpDirection.SendOnly,
            (false, true) => SdpDirection.RecvOnly,
            _ => SdpDirection.Inactive,
        };
    }

    /// <summary>
    /// Media forwarding from both hold states (RFC 3264 §8.4): toward SIP only while the SIP side receives, toward
    /// the browser only while the SIP side sends; nothing while the browser holds.
    /// </summary>
    protected void ApplyForwarding()
    {
        var remoteSends = _remoteDirection is SdpDirection.SendRecv or SdpDirection.SendOnly;
        var remoteReceives = _remoteDirection is SdpDirection.SendRecv or SdpDirection.RecvOnly;
        var held = _hold == HoldState.Held;
        try { Media?.SetForwarding(!held && remoteSends, !held && remoteReceives); }
        catch (NotImplementedException) { }
    }

    /// <summary>RFC 4028 §9: the UAS echoes the session interval of a refresh with the refresher, and Require: timer if supported.</summary>
    private void AddSessionTimerHeaders(SipRequest request, SipResponse response)
    {
        if (!SessionExpiresValue.TryParse(request.GetHeader(SipHeaderNames.SessionExpires), out var se)) return;
        var refresher = se.Refresher ?? "uac";
        response.AddHeader(SipHeaderNames.SessionExpires, new SessionExpiresValue(se.DeltaSeconds, refresher).ToString());
        if (SessionExpiresValue.ListsOption(request, SipHeaderNames.Supported, "timer")) response.AddHeader(SipHeaderNames.Require, "timer");
        // The request's sender is the UAC of this transaction: it refreshes when refresher=uac.
        SessionTimer.Start(se.DeltaSeconds, weRefresh: refresher == "uas");
    }

    /// <summary>NOTIFY of our REFER's implicit subscription (RFC 3515 §2.4.5): a final sipfrag status ends the transfer.</summary>
    private void OnNotify(IncomingRequest incoming)
    {
        var request = incoming.Request;
        Respond(incoming, SipResponse.CreateFor(request, 200));
        var fragment = Encoding.UTF8.GetString(request.Body.Span);
        // message/sipfrag (RFC 3420): "SIP/2.0 200 OK"
        var parts = fragment.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("SIP/2.0", StringComparison.Ordinal) || !int.TryParse(parts[1], out var status) || status < 200) return;
        if (_transfer is not TransferorTransfer) return;
        _transfer = null;
        if (status < 300)
        {
            End(new CallEnd(200, "Transferred", "answered"));
        }
        else if (Web is { } web)
        {
            web.SendError(Id, "unavailable", $"transfer failed: {status}");
        }
    }

    /// <summary>The media mapping for the SIP leg, from the negotiated codecs on each side (transcoding when they differ).</summary>
    internal static MediaCodecMapping Mapping(NegotiatedAudio web, NegotiatedAudio sip) =>
        MediaCodecMapping.Between(web.Codec.Encoding, web.Codec.PayloadType, web.Codec.ClockRate, web.TelephoneEventPayloadType,
            sip.Codec.Encoding, sip.Codec.PayloadType, sip.Codec.ClockRate, sip.TelephoneEventPayloadType) with
        {
            SipSrtp = SipHosting.TrunkSrtp.MediaKeys(sip.Srtp),
        };

    protected static JsonObject Typed(string type, string id) => new() { ["type"] = type, ["id"] = id };
}
