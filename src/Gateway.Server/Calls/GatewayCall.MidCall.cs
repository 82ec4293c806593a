using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Calls;

/// <summary>What the browser asks during an answered call (DTMF, hold, transfer), and the session refreshes we owe.</summary>
internal abstract partial class GatewayCall
{
    private bool _localHold;
    private bool _reinvitePending;
    private bool _transferring;
    private Task _infoChain = Task.CompletedTask;
    private bool _endOfCandidates;

    /// <summary>A trickled candidate (ICE-lite: not needed, RFC 8838 §4); false when it follows end-of-candidates.</summary>
    public bool TakeCandidate(bool isEnd)
    {
        lock (Gate)
        {
            if (_endOfCandidates) return false;
            _endOfCandidates = isEnd;
            return true;
        }
    }

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
            case TrickleCandidate:
                return true; // ICE-lite: the browser's checks find the gateway; candidates are not needed
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

    /// <summary>INFO digits go one at a time, each after the previous one's response, in order.</summary>
    protected void QueueInfo(char digit, int durationMs)
    {
        lock (Gate) _infoChain = _infoChain.ContinueWith(_ => SendInfoAsync(digit, durationMs), TaskScheduler.Default).Unwrap();
    }

    private async Task SendInfoAsync(char digit, int durationMs)
    {
        if (Leg is not { } leg || State != CallState.Active) return;
        var info = leg.Create(SipMethods.Info);
        info.AddHeader(SipHeaderNames.ContentType, "application/dtmf-relay");
        info.Body = SipCallLeg.Ascii($"Signal={digit}\r\nDuration={durationMs}\r\n");
        await ObserveAsync(leg.SendAsync(info), "INFO");
    }

    /// <summary>In-band digits from the browser: relayed as INFO when the trunk wants INFO (the media relays RFC 4733 itself).</summary>
    protected virtual void OnDtmfFromWeb(char digit, int durationMs)
    {
        if (DtmfMode == "info" && State == CallState.Active) QueueInfo(digit, durationMs);
    }

    /// <summary>Hold (sendonly) or resume (sendrecv) by re-INVITE (RFC 3264 §8.4).</summary>
    private void ChangeHold(IWebSession session, bool hold)
    {
        lock (Gate)
        {
            if (_reinvitePending) { session.SendError(Id, "conflict", "a re-INVITE is in progress"); return; }
            if (_localHold == hold) return;
            _reinvitePending = true;
        }
        var offer = SdpReoffer.WithDirection(Leg!.LocalSdp, hold ? SdpDirection.SendOnly : SdpDirection.SendRecv);
        _ = ReInviteAsync(offer, ok =>
        {
            lock (Gate) _localHold = hold;
            ApplyForwarding();
        }, failed => session.SendError(Id, "unavailable", (hold ? "hold" : "resume") + " failed: " + failed));
    }

    /// <summary>Sends a re-INVITE with an offer; on 2xx ACKs it and keeps the offer as our description.</summary>
    private async Task ReInviteAsync(SessionDescription offer, Action<SipResponse> onSuccess, Action<string> onFailure, bool sessionRefresh = false)
    {
        try
        {
            if (Leg is not { } leg || State != CallState.Active) return;
            var invite = leg.Create(SipMethods.Invite);
            invite.AddHeader(SipHeaderNames.Allow, CallServices.Allow);
            invite.AddHeader(SipHeaderNames.Supported, CallServices.Supported);
            if (SessionTimer.IsRunning)
                invite.AddHeader(SipHeaderNames.SessionExpires, new SessionExpiresValue(SessionTimer.IntervalSeconds, "uac").ToString());
            SipCallLeg.SetSdp(invite, offer);
            var final = await leg.SendInvite(invite).FinalResponse;
            Services.Metrics.SipResponse(final.StatusCode);
            if (final.StatusCode == 491 && State == CallState.Active)
            {
                // RFC 3261 §14.1: glare; try once more after a random wait (2.1-4 s when we own the Call-ID, else up to 2 s).
                var ownsCallId = leg.Dialog.IsUac;
                var wait = TimeSpan.FromMilliseconds(ownsCallId ? Random.Shared.Next(2100, 4000) : Random.Shared.Next(0, 2000));
                await Task.Delay(wait, Services.Time);
                if (State != CallState.Active) return;
                invite = leg.Create(SipMethods.Invite);
                invite.AddHeader(SipHeaderNames.Allow, CallServices.Allow);
                invite.AddHeader(SipHeaderNames.Supported, CallServices.Supported);
                SipCallLeg.SetSdp(invite, offer);
                final = await leg.SendInvite(invite).FinalResponse;
                Services.Metrics.SipResponse(final.StatusCode);
            }
            if (final.IsSuccess)
            {
                leg.Dialog.OnTargetRefreshResponse(final);
                leg.SendAck(invite.CSeq!.Value.Number);
                leg.LocalSdp = offer;
                if (SipCallLeg.ReadSdp(final) is { } answer && SipCallLeg.AudioEndPoint(answer) is { } remote &&
                    !remote.Address.Equals(System.Net.IPAddress.Any) && !remote.Equals(SipRemote) && SipMapping is { } mapping)
                {
                    SipRemote = remote;
                    Media?.ConfigureSip(remote, mapping);
                }
                SessionTimer.Refreshed();
                onSuccess(final);
            }
            else if (sessionRefresh && final.StatusCode is 408 or 481)
            {
                // RFC 4028 §10: a refresh that fails this way ends the session.
                SendBye(408, "session refresh failed");
                End(408, "Session refresh failed", "answered", notifyWeb: true);
            }
            else
            {
                onFailure(final.StatusCode + " " + final.ReasonPhrase);
            }
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, "re-INVITE");
            onFailure("internal error");
        }
        finally
        {
            lock (Gate) _reinvitePending = false;
        }
    }

    /// <summary>
    /// Blind transfer as transferor (RFC 3515, RFC 5589 §6): the target is routed by the dialplan as a call from the web
    /// user (same guards as a call it places: a denial is a "forbidden" error and no REFER), then REFER with Refer-To the
    /// routed number at the trunk's host, or the route's URI; 202 is relayed as "transferred".
    /// </summary>
    private void Transfer(IWebSession session, string to)
    {
        var leg = Leg!;
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
        _ = ReferAsync(session, leg, target);
    }

    /// <summary>The host:port a dialed transfer target is sent to (the trunk's); null: the peer's.</summary>
    protected string? TransferHost { get; set; }

    private async Task ReferAsync(IWebSession session, SipCallLeg leg, string target)
    {
        try
        {
            var refer = leg.Create(SipMethods.Refer);
            refer.AddHeader(SipHeaderNames.ReferTo, "<" + target + ">");
            refer.AddHeader(SipHeaderNames.ReferredBy, "<" + leg.Dialog.Local.Uri + ">");
            lock (Gate) _transferring = true;
            var response = await leg.SendAsync(refer);
            Services.Metrics.SipResponse(response.StatusCode);
            if (response.IsSuccess)
            {
                session.Send(new System.Text.Json.Nodes.JsonObject { ["type"] = "transferred", ["id"] = Id, ["code"] = response.StatusCode });
                return;
            }
            lock (Gate) _transferring = false;
            session.SendError(Id, "unavailable", $"transfer refused: {response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, "REFER");
            session.SendError(Id, "internal", "transfer failed");
        }
    }

    // ---- RFC 4028 session timer ----

    private void OnSessionRefreshDue() => Guard("session refresh", () =>
    {
        if (State != CallState.Active || Leg is not { } leg) return;
        lock (Gate)
        {
            if (_reinvitePending) { SessionTimer.Refreshed(); return; }
            _reinvitePending = true;
        }
        _ = ReInviteAsync(leg.LocalSdp, _ => { }, _ => SessionTimer.Refreshed(), sessionRefresh: true);
    });

    private void OnSessionExpired() => Guard("session expired", () =>
    {
        if (State is not (CallState.Active or CallState.Connecting)) return;
        Log.SessionExpired(Logger, Id);
        SendBye(408, "session timer expired");
        End(408, "Session expired", "answered", notifyWeb: true);
    });
}
