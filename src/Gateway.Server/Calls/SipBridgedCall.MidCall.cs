using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Calls;

/// <summary>What the browser asks during an answered call (DTMF, hold, transfer), and the session refreshes we owe.</summary>
internal abstract partial class SipBridgedCall
{
    private HoldState _hold = HoldState.Resumed;
    /// <summary>Our re-INVITE in progress (hold, resume, refresh); null when none.</summary>
    private PendingReInvite? _reinvite;
    /// <summary>A transfer in progress (as transferor or transferee); null when none.</summary>
    private Transfer? _transfer;
    /// <summary>INFO digits waiting to go, one at a time, each after the previous one's response.</summary>
    private readonly Queue<(char Digit, int DurationMs)> _infoQueue = new();
    private SipRequest? _infoInFlight;

    /// <summary>dtmf, hold/unhold, transfer: true when the message was one of these.</summary>
    protected bool TryHandleMidCall(IWebSession session, ClientCallMessage message)
    {
        switch (message)
        {
            case SendDtmf dtmf:
                if (!RequireDialog(session, message.Id)) return true;
                SendDigits(dtmf.Digits, dtmf.DurationMs);
                return true;
            case SetHold hold:
                if (!RequireDialog(session, message.Id)) return true;
                ChangeHold(session, hold.Hold);
                return true;
            case BlindTransfer transfer:
                if (!RequireDialog(session, message.Id)) return true;
                Transfer(session, transfer.To);
                return true;
            default:
                return false;
        }
    }

    private bool RequireDialog(IWebSession session, string id)
    {
        if (State == CallState.Active && Leg is not null) return true;
        session.SendError(id, "conflict", "the call is not answered");
        return false;
    }

    /// <summary>Digits toward SIP: RFC 4733 through the media, or one INFO per digit (application/dtmf-relay) for info trunks.</summary>
    private void SendDigits(string digits, int durationMs)
    {
        if (DtmfMode != "info")
        {
            Media?.SendDtmfToSip(digits, durationMs);
            return;
        }
        foreach (var digit in digits) QueueInfo(digit, durationMs);
    }

    /// <summary>In-band digits from the browser: relayed as INFO when the trunk wants INFO (the media relays RFC 4733 itself).</summary>
    private void HandleDtmfFromWeb(char digit, int durationMs)
    {
        if (DtmfMode == "info" && State == CallState.Active) QueueInfo(digit, durationMs);
    }

    /// <summary>INFO digits go one at a time, each after the previous one's response, in order.</summary>
    private void QueueInfo(char digit, int durationMs)
    {
        _infoQueue.Enqueue((digit, durationMs));
        if (_infoInFlight is null) SendNextInfo();
    }

    private void SendNextInfo()
    {
        _infoInFlight = null;
        if (Leg is not { } leg || State != CallState.Active || !_infoQueue.TryDequeue(out var next)) return;
        var info = leg.Create(SipMethods.Info);
        info.AddHeader(SipHeaderNames.ContentType, "application/dtmf-relay");
        info.Body = SipCallLeg.Ascii($"Signal={next.Digit}\r\nDuration={next.DurationMs}\r\n");
        _infoInFlight = info;
        PostWhenAnswered(leg.SendAsync(info), r => new InfoAnswered(r), "INFO");
    }

    private void OnInfoAnswered(InfoAnswered answered)
    {
        if (answered.Response is { } response)
        {
            Services.Metrics.SipResponse(response.StatusCode);
            if (!response.IsSuccess) Log.RequestFailed(Logger, Id, "INFO", response.StatusCode, response.ReasonPhrase);
        }
        SendNextInfo();
    }

    /// <summary>Hold (sendonly) or resume (sendrecv) by re-INVITE (RFC 3264 §8.4).</summary>
    private void ChangeHold(IWebSession session, bool hold)
    {
        if (_reinvite is not null) { session.SendError(Id, "conflict", "a re-INVITE is in progress"); return; }
        if ((_hold == HoldState.Held) == hold) return;
        var offer = SdpReoffer.WithDirection(Leg!.LocalSdp, hold ? SdpDirection.SendOnly : SdpDirection.SendRecv);
        SendReInvite(new PendingReInvite(hold ? ReInvitePurpose.Hold : ReInvitePurpose.Resume, offer, session));
    }

    /// <summary>Sends our re-INVITE with its offer; its final response comes back as <see cref="ReInviteAnswered"/>.</summary>
    private void SendReInvite(PendingReInvite reinvite)
    {
        _reinvite = reinvite;
        var leg = Leg!;
        var invite = leg.Create(SipMethods.Invite);
        invite.AddHeader(SipHeaderNames.Allow, CallServices.Allow);
        invite.AddHeader(SipHeaderNames.Supported, CallServices.Supported);
        if (SessionTimer.IsRunning && reinvite.Tries == 1)
            invite.AddHeader(SipHeaderNames.SessionExpires, new SessionExpiresValue(SessionTimer.IntervalSeconds, "uac").ToString());
        SipCallLeg.SetSdp(invite, reinvite.Offer);
        PostWhenAnswered(leg.SendInvite(invite).FinalResponse, r => new ReInviteAnswered(reinvite, invite, r), "re-INVITE");
    }

    private void OnReInviteAnswered(ReInviteAnswered answered)
    {
        var final = answered.Final;
        if (final is not null) Services.Metrics.SipResponse(final.StatusCode);
        if (!ReferenceEquals(answered.ReInvite, _reinvite) || State != CallState.Active || Leg is not { } leg)
        {
            // The call ended (or moved on) meanwhile: a 2xx still gets its ACK (RFC 3261 §13.2.2.4), then nothing else.
            if (final is { IsSuccess: true } && Leg is { } ended) ended.SendAck(answered.Invite.CSeq!.Value.Number);
            if (ReferenceEquals(answered.ReInvite, _reinvite)) _reinvite = null;
            return;
        }
        var reinvite = answered.ReInvite;
        if (final is { StatusCode: 491 } && reinvite.Tries == 1)
        {
            // RFC 3261 §14.1: glare; try once more after a random wait (2.1-4 s when we own the Call-ID, else up to 2 s).
            var wait = TimeSpan.FromMilliseconds(leg.Dialog.IsUac ? Random.Shared.Next(2100, 4000) : Random.Shared.Next(0, 2000));
            _reinvite = reinvite with { Phase = ReInvitePhase.WaitingToRetry };
            StartTimer(CallTimer.ReInviteRetry, wait);
            return;
        }
        _reinvite = null;
        if (final is { IsSuccess: true })
        {
            leg.Dialog.OnTargetRefreshResponse(final);
            leg.SendAck(answered.Invite.CSeq!.Value.Number);
            leg.LocalSdp = reinvite.Offer;
            if (SipCallLeg.ReadSdp(final) is { } reanswer && !TryRekeyFromAnswer(reinvite.Offer, reanswer, out var srtpFailure)) // SipBridgedCall.Srtp.cs
            {
                End(new CallEnd(488, "Not Acceptable Here (" + srtpFailure + ")", "answered") { ByeReason = (488, srtpFailure!) });
                return;
            }
            if (SipCallLeg.ReadSdp(final) is { } answer && SipCallLeg.AudioEndPoint(answer) is { } remote &&
                !remote.Address.Equals(System.Net.IPAddress.Any) && !remote.Equals(SipRemote) && SipMapping is { } mapping)
            {
                SipRemote = remote;
                Media?.ConfigureSip(remote, mapping);
            }
            SessionTimer.Refreshed();
            if (reinvite.Purpose is ReInvitePurpose.Hold or ReInvitePurpose.Resume)
            {
                _hold = reinvite.Purpose == ReInvitePurpose.Hold ? HoldState.Held : HoldState.Resumed;
                ApplyForwarding();
            }
            return;
        }
        if (reinvite.Purpose == ReInvitePurpose.SessionRefresh)
        {
            // RFC 4028 §10: a refresh that fails this way ends the session; other failures leave it to the next interval.
            if (final is { StatusCode: 408 or 481 }) End(new CallEnd(408, "Session refresh failed", "answered") { ByeReason = (408, "session refresh failed") });
            else SessionTimer.Refreshed();
            return;
        }
        var failed = final is null ? "internal error" : final.StatusCode + " " + final.ReasonPhrase;
        reinvite.Session?.SendError(Id, "unavailable", (reinvite.Purpose == ReInvitePurpose.Hold ? "hold" : "resume") + " failed: " + failed);
    }

    /// <summary>The §14.1 wait after a 491 is over: the same offer again, once.</summary>
    private void RetryReInvite()
    {
        if (_reinvite is not { Phase: ReInvitePhase.WaitingToRetry } waiting) return;
        if (State != CallState.Active || Leg is null) { _reinvite = null; return; }
        SendReInvite(waiting with { Tries = waiting.Tries + 1, Phase = ReInvitePhase.Sent });
    }

    /// <summary>
    /// Blind transfer as transferor (RFC 3515, RFC 5589 §6): the target is routed by the dialplan as a call from the web
    /// user (same guards as a call it places: a denial is a "forbidden" error and no REFER), then REFER with Refer-To the
    /// routed number at the trunk's host, or the route's URI; 202 is relayed as "transferred".
    /// </summary>
    private void Transfer(IWebSession session, string to)
    {
        var leg = Leg!;
        if (_transfer is not null) { session.SendError(Id, "conflict", "a transfer is in progress"); return; }
        var webUser = Direction == "inbound" ? To : From;
        var decision = Services.Dialplan().Route(new Gateway.Dialplan.CallRequest(
            new Gateway.Dialplan.CallSource(Gateway.Dialplan.CallSourceKind.WebUser, webUser), to, Services.Time.GetUtcNow()));
        string target;
        switch (decision.Action)
        {
            case null:
                session.SendError(Id, "forbidden", $"transfer refused by the dialplan: {decision.RejectCode} {decision.Reason}");
                return;
            case Gateway.Dialplan.RouteActionKind.Uri when decision.Target is { } uri && SipUri.TryParse(uri, out _):
                target = uri;
                break;
            case Gateway.Dialplan.RouteActionKind.Trunk:
                var host = TransferHost ?? leg.Dialog.RemoteTarget.Host + (leg.Dialog.RemoteTarget.Port is { } p ? ":" + p : "");
                if (!SipUri.TryParse("sip:" + host, out var hostUri)) { session.SendError(Id, "bad_request", "invalid transfer target"); return; }
                target = OutboundCall.RequestUriFor(hostUri!, decision.Normalized).ToString();
                break;
            default:
                session.SendError(Id, "bad_request", $"'{decision.Normalized}' is not a number the call can be transferred to");
                return;
        }
        var refer = leg.Create(SipMethods.Refer);
        refer.AddHeader(SipHeaderNames.ReferTo, "<" + target + ">");
        refer.AddHeader(SipHeaderNames.ReferredBy, "<" + leg.Dialog.Local.Uri + ">");
        _transfer = new TransferorTransfer(TransferorPhase.Referring);
        PostWhenAnswered(leg.SendAsync(refer), r => new ReferAnswered(session, r), "REFER");
    }

    /// <summary>The host:port a dialed transfer target is sent to (the trunk's); null: the peer's.</summary>
    protected string? TransferHost { get; set; }

    private void OnReferAnswered(ReferAnswered answered)
    {
        var session = answered.Session;
        if (_transfer is not TransferorTransfer { Phase: TransferorPhase.Referring } || State != CallState.Active) return;
        if (answered.Response is not { } response)
        {
            _transfer = null;
            session.SendError(Id, "internal", "transfer failed");
            return;
        }
        Services.Metrics.SipResponse(response.StatusCode);
        if (response.IsSuccess)
        {
            _transfer = new TransferorTransfer(TransferorPhase.Accepted);
            session.Send(new System.Text.Json.Nodes.JsonObject { ["type"] = "transferred", ["id"] = Id, ["code"] = response.StatusCode });
            return;
        }
        _transfer = null;
        session.SendError(Id, "unavailable", $"transfer refused: {response.StatusCode} {response.ReasonPhrase}");
    }

    // ---- RFC 4028 session timer ----

    private void OnSessionTimer(int generation)
    {
        switch (SessionTimer.Fired(generation))
        {
            case SessionTimerDue.Refresh:
                if (State != CallState.Active || Leg is not { } leg) return;
                if (_reinvite is not null) { SessionTimer.Refreshed(); return; }
                SendReInvite(new PendingReInvite(ReInvitePurpose.SessionRefresh, leg.LocalSdp, null));
                break;
            case SessionTimerDue.Expired:
                if (State is not (CallState.Active or CallState.Connecting)) return;
                Log.SessionExpired(Logger, Id);
                End(new CallEnd(408, "Session expired", "answered") { ByeReason = (408, "session timer expired") });
                break;
        }
    }
}
