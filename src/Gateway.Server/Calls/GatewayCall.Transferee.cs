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
/// </summary>
internal abstract partial class GatewayCall
{
    private bool _referInProgress;
    /// <summary>The leg a transfer is replacing, while its BYE is pending (requests on it are still answered).</summary>
    private SipCallLeg? _replacedLeg;
    private bool _replacedLegGone;

    private void OnReferFromSip(Gateway.Sip.Stack.IncomingRequest incoming)
    {
        var request = incoming.Request;
        SipCallLeg leg;
        lock (Gate)
        {
            if (State != CallState.Active || _referInProgress || _reinvitePending || Leg is null || SipMapping is null || Media is null)
            {
                Respond(incoming, SipResponse.CreateFor(request, 603, "Decline (no transfer possible now)"));
                return;
            }
            leg = Leg;
            _referInProgress = true;
        }
        var plan = Services.Dialplan();
        if (TransferorTrunk(plan, incoming, leg) is not { } transferor)
        {
            lock (Gate) _referInProgress = false;
            Log.Progress(Logger, Id, $"REFER from untrusted source {incoming.Source} refused");
            Respond(incoming, SipResponse.CreateFor(request, 403, "Forbidden (REFER from an untrusted source)"));
            return;
        }
        if (!NameAddress.TryParse(request.GetHeader(SipHeaderNames.ReferTo) ?? "", out var referTo) || !referTo!.Uri.IsSip)
        {
            lock (Gate) _referInProgress = false;
            Respond(incoming, SipResponse.CreateFor(request, 400, "Bad Request (Refer-To)"));
            return;
        }
        Respond(incoming, SipResponse.CreateFor(request, 202, "Accepted"));
        _ = TransfereeAsync(leg, referTo.Uri, plan, transferor);
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

    private async Task TransfereeAsync(SipCallLeg oldLeg, SipUri target, CompiledDialplan plan, TrunkDefinition transferor)
    {
        var status = "SIP/2.0 500 Server Internal Error";
        string? routedTo = null;
        try
        {
            await NotifyReferAsync(oldLeg, "SIP/2.0 100 Trying", terminated: false);
            var webUser = Direction == "inbound" ? To : From;
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
            if (trunk is null || !SipUri.TryParse(trunk.Uri, out var trunkUri) || await Services.Sip.ResolveAsync(trunkUri!, trunk.Transport) is not { } destination)
            {
                var code = decision.RejectCode ?? 404;
                status = $"SIP/2.0 {code} {SipStatus.ReasonPhrase(code)}";
                return;
            }
            var requestUri = trunk.Name == "uri" ? trunkUri! : OutboundCall.RequestUriFor(trunkUri!, decision.Normalized);
            var offer = SdpReoffer.WithDirection(oldLeg.LocalSdp, SdpDirection.SendRecv);
            var attempt = new TrunkAttempt(Services.Sip, trunk, destination, requestUri, decision.CallerId ?? webUser, offer, null,
                (uint)Math.Max(0, Services.Options.SessionExpires), (_, _) => { });
            Services.Registry.TryAddSip(attempt.CallId, this);
            var final = await attempt.RunAsync(() => { });
            Services.Metrics.SipResponse(final.StatusCode);
            status = $"SIP/2.0 {final.StatusCode} {final.ReasonPhrase}";
            if (!final.IsSuccess || !SipDialog.TryCreateAsUac(attempt.Invite, final, out var dialog))
            {
                Services.Registry.RemoveSip(attempt.CallId, this);
                return;
            }
            var newLeg = new SipCallLeg(dialog!, OutboundCall.PeerFor(dialog!, destination), Services.Sip, offer);
            newLeg.SendAck(attempt.Invite.CSeq!.Value.Number);
            if (!SwapLeg(oldLeg, newLeg, final, trunk))
            {
                SendByeOn(newLeg, 488, "transfer target offers no usable codec");
                Services.Registry.RemoveSip(attempt.CallId, this);
                status = "SIP/2.0 488 Not Acceptable Here";
                return;
            }
            await NotifyReferAsync(oldLeg, status, terminated: true);
            status = "";
            // RFC 5589 §6.1: the transferor hangs up once notified; if it does not, the gateway ends the old leg itself.
            await Task.Delay(Services.Options.Timers.T1 * 4, Services.Time);
            if (!_replacedLegGone) SendByeOn(oldLeg, null, null);
            Services.Registry.RemoveSip(oldLeg.Dialog.CallId, this);
            lock (Gate) _replacedLeg = null;
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, "transfer (transferee)");
        }
        finally
        {
            NotifyWebOfTransfer(status.Length > 0 ? status : "SIP/2.0 200 OK", routedTo);
            if (status.Length > 0) await NotifyReferAsync(oldLeg, status, terminated: true);
            bool endNow;
            lock (Gate)
            {
                _referInProgress = false;
                endNow = status.Length > 0 && _replacedLegGone && State != CallState.Ended;
            }
            // The transferor hung up while the transfer failed: nothing is left toward SIP.
            if (endNow) End(200, "Normal", "answered", notifyWeb: true);
        }
    }

    /// <summary>
    /// The browser hears that the far end transferred its call: <c>{"type":"transferred","id","code","by":"remote","to"}</c>
    /// (code: the new call's final status, 200 when it took over; "to": the number the dialplan routed).
    /// </summary>
    private void NotifyWebOfTransfer(string statusLine, string? to)
    {
        if (Web is not { } web) return;
        var code = statusLine.Split(' ') is [_, var c, ..] && int.TryParse(c, out var n) ? n : 500;
        var message = new System.Text.Json.Nodes.JsonObject { ["type"] = "transferred", ["id"] = Id, ["code"] = code, ["by"] = "remote" };
        if (to is not null) message["to"] = to;
        web.Send(message);
    }

    /// <summary>The new leg takes over the SIP side when it answered the codec the browser already uses.</summary>
    private bool SwapLeg(SipCallLeg oldLeg, SipCallLeg newLeg, SipResponse ok, TrunkDefinition trunk)
    {
        if (SipCallLeg.ReadSdp(ok) is not { } answer || SipCallLeg.AudioEndPoint(answer) is not { } remote) return false;
        var audio = answer.Media.First(m => m.Media == "audio" && !m.IsRejected);
        MediaCodecMapping mapping;
        lock (Gate)
        {
            if (State != CallState.Active || SipMapping is not { } current) return false;
            var codec = oldLeg.LocalSdp.Media.FirstOrDefault(m => m.Media == "audio")?.RtpMaps.FirstOrDefault(m => m.PayloadType == current.SipPayloadType);
            var chosen = codec is null ? null : audio.RtpMaps.FirstOrDefault(m => m.SameCodec(codec));
            if (chosen is null) return false;
            var te = audio.RtpMaps.FirstOrDefault(m => m.Encoding.Equals("telephone-event", StringComparison.OrdinalIgnoreCase) && m.ClockRate == chosen.ClockRate);
            mapping = current with { SipPayloadType = chosen.PayloadType, SipTelephoneEventPayloadType = current.WebTelephoneEventPayloadType is null ? null : te?.PayloadType };
            _replacedLeg = oldLeg;
            Leg = newLeg;
            SipMapping = mapping;
            SipRemote = remote;
            TrunkName = trunk.Name;
            DtmfMode = trunk.DtmfMode;
        }
        Media!.ConfigureSip(remote, mapping);
        Log.Progress(Logger, Id, $"transferred to {newLeg.Dialog.RemoteTarget}");
        if (SessionExpiresValue.TryParse(ok.GetHeader(SipHeaderNames.SessionExpires), out var se)) SessionTimer.Start(se.DeltaSeconds, se.Refresher != "uas");
        else SessionTimer.Dispose();
        return true;
    }

    /// <summary>A BYE (or other request) on the leg being replaced: answered without ending the call.</summary>
    private bool TryHandleReplacedLeg(IncomingRequest incoming)
    {
        var request = incoming.Request;
        SipCallLeg? leg;
        lock (Gate)
        {
            leg = _referInProgress && Leg is { } current && current.Dialog.Matches(request) && _replacedLeg is null ? current
                : _replacedLeg is { } replaced && replaced.Dialog.Matches(request) ? replaced : null;
            if (leg is null) return false;
            if (request.Method == SipMethods.Bye) _replacedLegGone = true;
        }
        Respond(incoming, SipResponse.CreateFor(request, request.Method is SipMethods.Bye or SipMethods.Notify or SipMethods.Info or SipMethods.Options ? 200 : 491));
        return true;
    }

    private void SendByeOn(SipCallLeg leg, int? cause, string? text)
    {
        var bye = leg.Create(SipMethods.Bye);
        if (cause is { } c) bye.AddHeader("Reason", SipCallLeg.ReasonHeader(c, text ?? ""));
        _ = ObserveAsync(leg.SendAsync(bye), "BYE");
    }

    /// <summary>NOTIFY of the REFER's implicit subscription with a message/sipfrag status line (RFC 3515 §2.4.5).</summary>
    private async Task NotifyReferAsync(SipCallLeg leg, string statusLine, bool terminated)
    {
        if (_replacedLegGone) return;
        var notify = leg.Create(SipMethods.Notify);
        notify.AddHeader(SipHeaderNames.Event, "refer");
        notify.AddHeader("Subscription-State", terminated ? "terminated;reason=noresource" : "active;expires=60");
        notify.AddHeader(SipHeaderNames.ContentType, "message/sipfrag;version=2.0");
        notify.Body = Encoding.UTF8.GetBytes(statusLine + "\r\n");
        try
        {
            var response = await leg.SendAsync(notify);
            Services.Metrics.SipResponse(response.StatusCode);
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, "NOTIFY");
        }
    }
}
