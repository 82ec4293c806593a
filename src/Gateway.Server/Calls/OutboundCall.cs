using System.Net;
using Gateway.Dialplan;
using Gateway.Media.Bridge;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;
using Gateway.Sip.Transport;

namespace Gateway.Server.Calls;

/// <summary>
/// A browser's call to SIP (web -> trunk or URI): INVITE with the translated offer, trunk failover on timeouts,
/// 5xx and transport errors, 180/183 relayed as ringing/progress, 2xx as answer; CANCEL on hangup or no answer.
/// </summary>
internal sealed partial class OutboundCall : GatewayCall, ITrunkDialer
{
    private readonly SessionDescription _browserOffer;
    private readonly CompiledDialplan _plan;
    private readonly RouteDecision _decision;
    private readonly string _fromUser;
    private readonly CancellationTokenSource _stopFailover = new();
    private TrunkAttempt? _attempt;
    private string? _browserAnswerSdp;
    private bool _webConfigured, _webNotified, _postDialObserved;
    private (int Code, string Reason, string Outcome) _cancelCause = (487, "Request Terminated", "cancelled");

    public OutboundCall(CallServices services, IWebSession session, PlaceCall message, SessionDescription browserOffer,
        CompiledDialplan plan, RouteDecision decision, string caller, long receivedTimestamp)
        : base(services, message.Id, "outbound", caller, decision.Normalized, receivedTimestamp)
    {
        Web = session;
        Route = decision.Route;
        _browserOffer = browserOffer;
        _plan = plan;
        _decision = decision;
        _fromUser = decision.CallerId is { Length: > 0 } id ? id : caller;
    }

    /// <summary>Routing -> Calling: media, the no-answer timer, then the trunks in failover order.</summary>
    public void Start()
    {
        if (CreateMedia() is null)
        {
            End(503, "Service Unavailable (no media port)", "failed", notifyWeb: true);
            return;
        }
        Keep(Services.Time.CreateTimer(_ => Guard("no answer", OnNoAnswer), null, Services.Options.NoAnswerTimeout, Timeout.InfiniteTimeSpan));
        _ = DialAsync();
    }

    private async Task DialAsync()
    {
        try
        {
            TrunkDialResult result;
            if (_decision.Action == RouteActionKind.Uri)
            {
                var target = UriTrunk(_decision.Target ?? "");
                result = target is null ? new TrunkDialResult(404, "invalid route target") : await DialAsync(target, _decision, _stopFailover.Token);
            }
            else
            {
                (result, _) = await Services.Failover.ExecuteAsync(_plan, _decision, this, _stopFailover.Token);
            }
            Guard("dial result", () => OnDialed(result));
        }
        catch (OperationCanceledException)
        {
            Guard("dial result", () => OnDialed(new TrunkDialResult(487, "Request Terminated")));
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, "dial");
            Guard("dial result", () => OnDialed(new TrunkDialResult(500, "gateway error")));
        }
    }

    /// <summary>One attempt on one trunk (called by <see cref="TrunkFailover"/>): the final status of its INVITE.</summary>
    public async Task<TrunkDialResult> DialAsync(TrunkDefinition trunk, RouteDecision decision, CancellationToken cancellationToken)
    {
        if (State is CallState.Cancelling or CallState.Ended) return new TrunkDialResult(487, "Request Terminated");
        TrunkName = trunk.Name; // the CDR names the last trunk tried, answered or not
        var lease = trunk.Name == "uri" ? null : Services.Limits.TryAcquireTrunk(_plan, trunk.Name);
        if (lease is null && trunk.Name != "uri") return new TrunkDialResult(503, $"trunk {trunk.Name} is full");
        try
        {
            if (!SipUri.TryParse(trunk.Uri, out var trunkUri) || await Services.Sip.ResolveAsync(trunkUri!, trunk.Transport, cancellationToken) is not { } destination)
                return TrunkDialResult.TransportError($"cannot reach {trunk.Uri}");
            if (!JsepToSipTranslator.TryCreateSipOffer(_browserOffer, Media!.SipEndpoint, PolicyFor(trunk, decision.WebCodec), out var sipOffer, out var browser, out var failure))
                return new TrunkDialResult(failure!.StatusCode, failure.Reason);
            var requestUri = trunk.Name == "uri" ? trunkUri! : RequestUriFor(trunkUri!, decision.Normalized);
            var attempt = new TrunkAttempt(Services.Sip, trunk, destination, requestUri, _fromUser, sipOffer!, browser!,
                (uint)Math.Max(0, Services.Options.SessionExpires), (a, r) => Guard("provisional", () => OnProvisional(a, r)), Services.Time);
            lock (Gate)
            {
                if (State is CallState.Cancelling or CallState.Ended) return new TrunkDialResult(487, "Request Terminated");
                _attempt = attempt;
                Services.Registry.TryAddSip(attempt.CallId, this);
            }
            MoveTo(CallState.Calling, CallState.Routing);
            var final = await attempt.RunAsync(OnInviteSent);
            Services.Metrics.SipResponse(final.StatusCode);
            if (final.IsSuccess)
            {
                Keep(lease);
                lease = null;
                Guard("answer", () => OnAnswered(attempt, final));
                return new TrunkDialResult(final.StatusCode, final.ReasonPhrase);
            }
            Services.Registry.RemoveSip(attempt.CallId, this);
            Log.AttemptFailed(Logger, Id, trunk.Name, final.StatusCode, final.ReasonPhrase);
            return new TrunkDialResult(final.StatusCode, final.ReasonPhrase);
        }
        finally
        {
            lease?.Dispose();
        }
    }

    /// <summary>Post-dial delay, part one: the browser's call handled -> INVITE handed to the transport.</summary>
    private void OnInviteSent()
    {
        if (_postDialObserved) return;
        _postDialObserved = true;
        Services.Metrics.ObservePostDialDelay(Since(ReceivedTimestamp));
    }

    /// <summary>Calling -> Ringing (180/183 without SDP), or -> EarlyMedia (183 with SDP).</summary>
    private void OnProvisional(TrunkAttempt attempt, SipResponse response)
    {
        if (response.StatusCode == 100 || attempt != _attempt) return;
        var sdp = SipCallLeg.ReadSdp(response);
        if (sdp is null || response.StatusCode != 183)
        {
            if (MoveTo(CallState.Ringing, CallState.Calling)) SendTyped(Web!, "ringing", Id);
            return;
        }
        if (State is not (CallState.Calling or CallState.Ringing)) return;
        if (!SipToJsepTranslator.TryCreateBrowserAnswer(attempt.Browser!, sdp, Media!.WebEndpoint, out var answer, out var failure))
        {
            Log.Progress(Logger, Id, "early media not bridged: " + failure);
            if (MoveTo(CallState.Ringing, CallState.Calling)) SendTyped(Web!, "ringing", Id);
            return;
        }
        ConfigureMedia(answer!);
        if (!MoveTo(CallState.EarlyMedia, CallState.Calling, CallState.Ringing)) return;
        _browserAnswerSdp = answer!.Sdp.ToString();
        SendTyped(Web!, "progress", Id, _browserAnswerSdp);
    }

    /// <summary>2xx: ACK, then -> Active with the browser's answer (or ACK + BYE when the call was given up meanwhile).</summary>
    private void OnAnswered(TrunkAttempt attempt, SipResponse ok)
    {
        if (!SipDialog.TryCreateAsUac(attempt.Invite, ok, out var dialog))
        {
            Fail(502, "Bad Gateway (2xx without To tag)");
            return;
        }
        var leg = new SipCallLeg(dialog!, PeerFor(dialog!, attempt.Destination), Services.Sip, attempt.SipOffer);
        leg.SendAck(attempt.Invite.CSeq!.Value.Number);
        Leg = leg;
        TrunkName = attempt.Trunk.Name;
        DtmfMode = attempt.Trunk.DtmfMode;
        TransferHost = SipUri.TryParse(attempt.Trunk.Uri, out var trunkUri) ? trunkUri!.Host + (trunkUri.Port is { } p ? ":" + p : "") : null;
        if (State is CallState.Cancelling or CallState.Ended)
        {
            SendBye(487, "cancelled");
            EndCancelled();
            return;
        }
        if (SipCallLeg.ReadSdp(ok) is not { } sdp)
        {
            SendBye(488, "no SDP answer");
            End(488, "Not Acceptable Here (no SDP in the answer)", "failed", notifyWeb: true);
            return;
        }
        if (!SipToJsepTranslator.TryCreateBrowserAnswer(attempt.Browser!, sdp, Media!.WebEndpoint, out var answer, out var failure))
        {
            SendBye(failure!.StatusCode, failure.Reason);
            End(failure.StatusCode, failure.Reason, "failed", notifyWeb: true);
            return;
        }
        ConfigureMedia(answer!);
        leg.LocalSdp = SipCallLeg.RestrictTo(attempt.SipOffer, answer!.SipLeg.Codec.PayloadType, answer.SipLeg.TelephoneEventPayloadType);
        if (!MoveTo(CallState.Active, CallState.Calling, CallState.Ringing, CallState.EarlyMedia)) return;
        SendTyped(Web!, "answer", Id, _browserAnswerSdp ?? answer!.Sdp.ToString());
        Services.Metrics.ObservePostDialDelay(Since(attempt.FinalTimestamp));
        Services.Metrics.ObserveSetup(Since(ReceivedTimestamp));
        if (SessionExpiresValue.TryParse(ok.GetHeader(SipHeaderNames.SessionExpires), out var se))
            SessionTimer.Start(se.DeltaSeconds, weRefresh: se.Refresher != "uas"); // RFC 4028 §7.2: we are the UAC
    }

    private void ConfigureMedia(BrowserAnswer answer)
    {
        var media = Media!;
        if (!_webConfigured)
        {
            media.ConfigureWeb(answer.RemoteIceUfrag ?? "", answer.RemoteIcePwd ?? "", answer.RemoteFingerprint ?? "", answer.GatewayIsDtlsServer);
            _webConfigured = true;
        }
        if (!IPAddress.TryParse(answer.RemoteRtpAddress, out var address)) return;
        SipRemote = new IPEndPoint(address, answer.RemoteRtpPort);
        SipMapping = Mapping(answer.BrowserLeg, answer.SipLeg);
        media.ConfigureSip(SipRemote, SipMapping);
    }
}
