using System.Text;
using Gateway.Dialplan;
using Gateway.Media.Bridge;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>
/// A REFER from the SIP side (the gateway is the transferee, RFC 3515, RFC 5589 §6), honoured only from a trusted party
/// (a trunk's inbound_sources, or the trunk this gateway dialed for the call; else 403, RFC 3515 §2.4.2): 202, the
/// Refer-To routed by the dialplan as a call from that trunk (its routes and guards, never the web user's), a new INVITE
/// offering the codec in use, and on its 2xx the new leg replaces the old one under the browser's unchanged media; the
/// transferor hears the outcome by NOTIFY (sipfrag) and the browser by <c>transferred</c> with <c>"by":"remote"</c>.
/// The flow is one async method whose every step after an await resumes on the call's loop (<see cref="GatewayCall.OnLoop"/>).
/// </summary>
internal abstract partial class SipBridgedCall
{
    private void OnReferFromSip(IncomingRequest incoming)
    {
        var request = incoming.Request;
        var plan = Services.Dialplan();
        var leg = Leg;
        var transferor = leg is null ? null : TransferorTrunk(plan, incoming, leg);
        // Trust first (RFC 3515 §2.4.2): an untrusted party hears 403 whatever state the call is in.
        if (leg is not null && transferor is null)
        {
            Log.Progress(Logger, Id, $"REFER from untrusted source {incoming.Source} refused");
            Respond(incoming, SipResponse.CreateFor(request, 403, "Forbidden (REFER from an untrusted source)"));
            return;
        }
        if (State != CallState.Active || _transfer is not null || _reinvite is not null || leg is null || transferor is null || SipMapping is null || Media is null)
        {
            Respond(incoming, SipResponse.CreateFor(request, 603, "Decline (no transfer possible now)"));
            return;
        }
        if (!NameAddress.TryParse(request.GetHeader(SipHeaderNames.ReferTo) ?? "", out var referTo) || !referTo!.Uri.IsSip)
        {
            Respond(incoming, SipResponse.CreateFor(request, 400, "Bad Request (Refer-To)"));
            return;
        }
        var transfer = new TransfereeTransfer(leg);
        _transfer = transfer;
        Respond(incoming, SipResponse.CreateFor(request, 202, "Accepted"));
        _ = TransfereeAsync(transfer, referTo.Uri, plan, transferor);
    }

    /// <summary>
    /// The trusted party a REFER comes from: the trunk whose inbound_sources hold its source address, else, for a call
    /// this gateway placed to a dialplan trunk, that trunk when the REFER comes from the address the call's requests go to.
    /// </summary>
    private TrunkDefinition? TransferorTrunk(CompiledDialplan plan, IncomingRequest incoming, SipCallLeg leg)
    {
        var source = incoming.Source.Address.Address;
        if (TrunkSources.Find(plan, source) is { } listed) return listed;
        if (Direction != "outbound" || TrunkName is not { } name || !plan.Trunks.TryGetValue(name, out var dialed)) return null;
        var peer = leg.Peer.Address.Address;
        if (source.IsIPv4MappedToIPv6) source = source.MapToIPv4();
        if (peer.IsIPv4MappedToIPv6) peer = peer.MapToIPv4();
        return source.Equals(peer) ? dialed : null;
    }

    /// <summary>The transferee's flow; every line that reads or changes the call runs on the loop (after <c>await OnLoop()</c>).</summary>
    private async Task TransfereeAsync(TransfereeTransfer transfer, SipUri target, CompiledDialplan plan, TrunkDefinition transferor)
    {
        var oldLeg = transfer.OldLeg;
        var status = "SIP/2.0 500 Server Internal Error";
        string? routedTo = null;
        try
        {
            await NotifyReferAsync(oldLeg, "SIP/2.0 100 Trying", terminated: false).ConfigureAwait(false);
            await OnLoop();
            // The new call is the transferor's: routed from trunk:<name>, with that source's routes and guards.
            var decision = plan.Route(new CallRequest(new CallSource(CallSourceKind.Trunk, transferor.Name), target.ToString(), Services.Time.GetUtcNow()));
            routedTo = decision.Normalized;
            Log.Progress(Logger, Id, $"REFER from trunk {transferor.Name} to {decision.Normalized}: route {decision.Route ?? "-"}, {decision.Action?.ToString() ?? "deny " + decision.RejectCode}");
            TrunkDefinition? trunk = decision.Action switch
            {
                RouteActionKind.Trunk => decision.Trunks.Select(t => plan.Trunks.GetValueOrDefault(t)).FirstOrDefault(t => t is not null),
                RouteActionKind.Uri => new TrunkDefinition("uri", decision.Target ?? "", "udp", null, null, false, [], "rfc4733", null, []),
                _ => null,
            };
            var destination = trunk is not null && SipUri.TryParse(trunk.Uri, out var trunkUri)
                ? await Services.Sip.ResolveAsync(trunkUri!, trunk.Transport).ConfigureAwait(false) : null;
            await OnLoop();
            if (trunk is null || destination is not { } to)
            {
                var code = decision.RejectCode ?? 404;
                status = $"SIP/2.0 {code} {SipStatus.ReasonPhrase(code)}";
                return;
            }
            SipUri.TryParse(trunk.Uri, out var routeUri);
            var requestUri = trunk.Name == "uri" ? routeUri! : OutboundCall.RequestUriFor(routeUri!, decision.Normalized);
            var offer = SdpReoffer.WithDirection(oldLeg.LocalSdp, SdpDirection.SendRecv);
            var webUser = Direction == "inbound" ? To : From;
            var identity = OutboundIdentity.For(trunk, decision.Identity, decision.CallerId ?? webUser, Services.Sip.Domain);
            var attempt = new TrunkAttempt(Services.Sip, trunk, to, requestUri, identity, offer, null,
                (uint)Math.Max(0, Services.Options.SessionExpires), (_, _) => { }, divertedBy: oldLeg.Dialog.Remote.Uri.ToString());
            Services.Registry.TryAddSip(attempt.CallId, this);
            var final = await attempt.RunAsync(() => { }).ConfigureAwait(false);
            await OnLoop();
            Services.Metrics.SipResponse(final.StatusCode);
            status = $"SIP/2.0 {final.StatusCode} {final.ReasonPhrase}";
            if (!final.IsSuccess || !SipDialog.TryCreateAsUac(attempt.Invite, final, out var dialog))
            {
                Services.Registry.RemoveSip(attempt.CallId, this);
                return;
            }
            if (attempt.EarlyDialogCSeq(dialog!.RemoteTag) is { } used) dialog.ContinueLocalCSeq(used);
            var newLeg = new SipCallLeg(dialog!, OutboundCall.PeerFor(dialog!, to), Services.Sip, offer);
            newLeg.SendAck(attempt.Invite.CSeq!.Value.Number);
            if (attempt.Transaction is { } tx) tx.SuccessRetransmitted += newLeg.OnSuccessRetransmitted; // RFC 6026 Accepted
            if (!SwapLeg(transfer, newLeg, final, trunk))
            {
                SendByeOn(newLeg, 488, "transfer target offers no usable codec");
                Services.Registry.RemoveSip(attempt.CallId, this);
                status = "SIP/2.0 488 Not Acceptable Here";
                return;
            }
            if (_transfer is TransfereeTransfer { OldLegGone: false })
            {
                await NotifyReferAsync(oldLeg, status, terminated: true).ConfigureAwait(false);
                await OnLoop();
            }
            status = "";
            // RFC 5589 §6.1: the transferor hangs up once notified; if it does not, the gateway ends the old leg itself.
            StartTimer(CallTimer.ReplacedLegBye, Services.Options.Timers.T1 * 4);
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, "transfer (transferee)");
            await OnLoop();
        }
        finally
        {
            // On the loop here: every path above ends after an OnLoop, or the catch resumed on it.
            NotifyWebOfTransfer(status.Length > 0 ? status : "SIP/2.0 200 OK", routedTo);
            if (status.Length > 0) FinishFailedTransfer(transfer, status);
        }
    }

    /// <summary>The transfer failed: the transferor hears the status; if it hung up meanwhile nothing is left toward SIP.</summary>
    private void FinishFailedTransfer(TransfereeTransfer started, string status)
    {
        var transfer = _transfer as TransfereeTransfer ?? started;
        if (!transfer.OldLegGone) _ = NotifyReferAsync(transfer.OldLeg, status, terminated: true);
        if (ReferenceEquals(_transfer, transfer)) _transfer = null;
        if (transfer.OldLegGone) End(CallEnd.ByRemote("answered"));
    }

    /// <summary>4*T1 after the final NOTIFY: the replaced leg is ended (BYE unless the transferor sent its own).</summary>
    private void EndReplacedLeg()
    {
        if (_transfer is not TransfereeTransfer { Phase: TransfereePhase.Replaced } transfer) return;
        if (!transfer.OldLegGone) SendByeOn(transfer.OldLeg, null, null);
        Services.Registry.RemoveSip(transfer.OldLeg.Dialog.CallId, this);
        _transfer = null;
    }

    /// <summary>
    /// The browser hears that the far end transferred its call: <c>{"type":"transferred","id","code","by":"remote","to"}</c>
    /// (code: the new call's final status, 200 when it took over; "to": the number the dialplan routed).
    /// </summary>
    private void NotifyWebOfTransfer(string statusLine, string? to)
    {
        if (Web is not { } web || State == CallState.Ended) return;
        var code = statusLine.Split(' ') is [_, var c, ..] && int.TryParse(c, out var n) ? n : 500;
        var message = new System.Text.Json.Nodes.JsonObject { ["type"] = "transferred", ["id"] = Id, ["code"] = code, ["by"] = "remote" };
        if (to is not null) message["to"] = to;
        web.Send(message);
    }

    /// <summary>The new leg takes over the SIP side when it answered the codec the browser already uses.</summary>
    private bool SwapLeg(TransfereeTransfer transfer, SipCallLeg newLeg, SipResponse ok, TrunkDefinition trunk)
    {
        if (SipCallLeg.ReadSdp(ok) is not { } answer || SipCallLeg.AudioEndPoint(answer) is not { } remote) return false;
        if (State != CallState.Active || SipMapping is not { } current || _transfer is not TransfereeTransfer inProgress) return false;
        var audio = answer.Media.First(m => m.Media == "audio" && !m.IsRejected);
        var codec = transfer.OldLeg.LocalSdp.Media.FirstOrDefault(m => m.Media == "audio")?.RtpMaps.FirstOrDefault(m => m.PayloadType == current.SipPayloadType);
        var chosen = codec is null ? null : audio.RtpMaps.FirstOrDefault(m => m.SameCodec(codec));
        if (chosen is null) return false;
        var te = audio.RtpMaps.FirstOrDefault(m => m.Encoding.Equals("telephone-event", StringComparison.OrdinalIgnoreCase) && m.ClockRate == chosen.ClockRate);
        var mapping = current with { SipPayloadType = chosen.PayloadType, SipTelephoneEventPayloadType = current.WebTelephoneEventPayloadType is null ? null : te?.PayloadType };
        _transfer = inProgress with { Phase = TransfereePhase.Replaced };
        Leg = newLeg;
        SipMapping = mapping;
        SipRemote = remote;
        TrunkName = trunk.Name;
        DtmfMode = trunk.DtmfMode;
        Media!.ConfigureSip(remote, mapping);
        Log.Progress(Logger, Id, $"transferred to {newLeg.Dialog.RemoteTarget}");
        if (SessionExpiresValue.TryParse(ok.GetHeader(SipHeaderNames.SessionExpires), out var se)) SessionTimer.Start(se.DeltaSeconds, se.Refresher != "uas");
        else SessionTimer.Dispose();
        return true;
    }

    /// <summary>A request on the leg being replaced (or on the current one while a transfer dials): answered without ending the call.</summary>
    private bool TryHandleReplacedLeg(IncomingRequest incoming)
    {
        if (_transfer is not TransfereeTransfer transfer) return false;
        var request = incoming.Request;
        var leg = transfer.OldLeg;
        if (!leg.Dialog.Matches(request)) return false;
        if (request.Method == SipMethods.Bye) _transfer = transfer with { OldLegState = ReplacedLegState.ByeReceived };
        Respond(incoming, SipResponse.CreateFor(request, request.Method is SipMethods.Bye or SipMethods.Notify or SipMethods.Info or SipMethods.Options ? 200 : 491));
        return true;
    }

    /// <summary>NOTIFY of the REFER's implicit subscription with a message/sipfrag status line (RFC 3515 §2.4.5).</summary>
    private async Task NotifyReferAsync(SipCallLeg leg, string statusLine, bool terminated)
    {
        var notify = leg.Create(SipMethods.Notify);
        notify.AddHeader(SipHeaderNames.Event, "refer");
        notify.AddHeader("Subscription-State", terminated ? "terminated;reason=noresource" : "active;expires=60");
        notify.AddHeader(SipHeaderNames.ContentType, "message/sipfrag;version=2.0");
        notify.Body = Encoding.UTF8.GetBytes(statusLine + "\r\n");
        try
        {
            var response = await leg.SendAsync(notify).ConfigureAwait(false);
            Services.Metrics.SipResponse(response.StatusCode);
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, "NOTIFY");
        }
    }
}
