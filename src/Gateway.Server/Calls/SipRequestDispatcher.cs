using System.Diagnostics;
using Gateway.Dialplan;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;
using Gateway.Sip.Identity;
using Gateway.Sip.Reliability;
using Gateway.Sip.Stack;
using Gateway.Sip.Transactions;
using Gateway.Sip.Transport;

namespace Gateway.Server.Calls;

/// <summary>
/// The B2BUA's SIP entry point: new INVITEs become inbound calls (routed by the dialplan with source
/// trunk:&lt;name&gt;), in-dialog requests, ACKs, CANCELs and stray 2xx go to their call by Call-ID, OPTIONS
/// is answered 200, anything for an unknown dialog 481. Runs on the transport's receive loop: never blocks, never throws.
/// </summary>
internal sealed partial class SipRequestDispatcher(CallServices services, ILogger<SipRequestDispatcher> logger,
    Gateway.Server.Trunks.TrunkRegistrarSources? registrars = null, Gateway.Sip.Registrar.SipRegistrar? registrar = null,
    PromptCache? prompts = null, Cluster.ClusterRedirect? cluster = null, Gateway.Server.Signaling.ICallController? calls = null)
{
    private readonly PromptCache _prompts = prompts ?? new PromptCache(services.Loggers.CreateLogger<PromptCache>());

    private const string SupportedTags = "timer";

    public void Attach(SipStack stack)
    {
        stack.RequestReceived += OnRequest;
        stack.CancelReceived += OnCancel;
        stack.StrayResponse += (response, _) => Safe("stray response", () =>
        {
            if (services.Registry.FindDevice(response.CallId) is { } device) device.OnStrayResponse(response);
            else services.Registry.FindSip(response.CallId)?.OnStrayResponse(response);
        });
    }

    private void Safe(string what, Action action)
    {
        try { action(); }
        catch (Exception e) { Log.HandlerFailed(logger, e, what); }
    }

    private void OnRequest(IncomingRequest incoming) => Safe(incoming.Request.Method, () =>
    {
        var request = incoming.Request;
        if (request.Method == SipMethods.Ack)
        {
            services.Registry.FindSip(request.CallId)?.OnAck(incoming);
            return;
        }
        var inDialog = request.To?.Tag is { Length: > 0 };
        if (inDialog)
        {
            if (services.Registry.FindCaller(request.CallId) is { } webRtcPhone) webRtcPhone.OnInDialogRequest(incoming);
            else if (services.Registry.FindDevice(request.CallId) is { } device) device.OnInDialogRequest(incoming);
            else if (services.Registry.FindSip(request.CallId) is { } call) call.OnInDialogRequest(incoming);
            else Respond(incoming, 481, "Call/Transaction Does Not Exist");
            return;
        }
        if (services.Drain.IsDraining && request.Method is SipMethods.Invite or SipMethods.Options)
        {
            // Draining: RFC 3261 §21.5.4 503 with Retry-After (§20.33) sends the peer to another server meanwhile.
            var unavailable = SipResponse.CreateFor(request, 503, "Service Unavailable (gateway shutting down)", SipStack.NewToken(6));
            unavailable.AddHeader("Retry-After", Gateway.Server.Hosting.DrainState.RetryAfterSeconds.ToString());
            Respond(incoming, unavailable);
            return;
        }
        switch (request.Method)
        {
            case SipMethods.Invite:
                OnNewInvite(incoming);
                break;
            case SipMethods.Register when registrar is not null: // Registrar/ (RFC 3261 §10.3)
                Respond(incoming, registrar.Process(request, incoming.Source));
                break;
            case SipMethods.Options:
                var ok = CallServices.ResponseWithAllow(request, 200);
                ok.AddHeader("Accept", "application/sdp");
                ok.AddHeader(SipHeaderNames.Supported, CallServices.Supported);
                Respond(incoming, ok);
                break;
            case SipMethods.Bye or SipMethods.Info or SipMethods.Update or SipMethods.Notify or SipMethods.Refer or SipMethods.Prack:
                Respond(incoming, 481, "Call/Transaction Does Not Exist");
                break;
            default:
                Respond(incoming, CallServices.ResponseWithAllow(request, 405));
                break;
        }
    });

    private void OnCancel(IncomingRequest cancel, InviteServerTransaction invite) => Safe("CANCEL", () =>
    {
        if (services.Registry.FindCaller(cancel.Request.CallId) is { } webRtcPhone) webRtcPhone.OnCancel();
        else if (services.Registry.FindSip(cancel.Request.CallId) is { } call) call.OnCancel(cancel);
        else
        {
            invite.Respond(SipResponse.CreateFor(invite.Request, 487, toTag: SipStack.NewToken(6)));
            services.Metrics.SipResponse(487);
        }
    });

    /// <summary>A new INVITE: which trunk sent it, where the dialplan sends it, whether the web user can take it.</summary>
    private void OnNewInvite(IncomingRequest incoming, bool clusterChecked = false, bool fromNode = false)
    {
        var received = Stopwatch.GetTimestamp();
        var request = incoming.Request;
        if (services.Registry.FindSip(request.CallId) is not null || services.Registry.FindCaller(request.CallId) is not null)
        {
            Respond(incoming, 482, "Loop Detected"); // §8.2.2.2: a second INVITE of a call we already have
            return;
        }
        var plan = services.Dialplan();
        // A trunk is its address on UDP/TCP/TLS; a WebSocket client (RFC 7118: JsSIP, SIP.js) is never one, even from a
        // trunk's address (the same host or NAT): it is a phone, Digest-challenged below.
        var overWebSocket = incoming.Source.Protocol is SipTransportProtocol.Ws or SipTransportProtocol.Wss;
        var trunk = overWebSocket ? null
            : TrunkSources.Find(plan, incoming.Source.Address.Address) ?? registrars?.Find(plan, incoming.Source.Address.Address);
        if (trunk is null && !fromNode && !overWebSocket && cluster is not null && cluster.IsMarkedForThisNode(request))
        {
            // Cluster/: another node rings one of our users for a browser there; only our own sessions of that user are reached.
            cluster.ServeFromPeer(incoming, () => Safe("INVITE", () => OnNewInvite(incoming, clusterChecked, fromNode: true)));
            return;
        }
        if (trunk is null && !fromNode && registrar is not null && request.From?.Uri.User is { Length: > 0 } fromUser && registrar.IsUser(fromUser))
        {
            OnPhoneInvite(incoming, plan, fromUser, received);
            return;
        }
        if (trunk is null && !fromNode && !services.Options.AllowUnknownSources)
        {
            Respond(incoming, 403, "Forbidden (unknown source)");
            return;
        }
        var prack = trunk?.Prack ?? TrunkPrackMode.Supported;
        if (!CheckExtensions(incoming, prack)) return;
        // The Request-URI goes through the dialplan as one typed target (its user part is what is routed).
        var dialed = DialTarget.Parse(request.RequestUri.ToString()).User;
        var decision = plan.Route(new CallRequest(new CallSource(CallSourceKind.Trunk, trunk?.Name ?? (fromNode ? "cluster" : "unknown")), request.RequestUri.ToString(), services.Time.GetUtcNow()));
        string? user = null;
        if (fromNode) user = dialed; // another node's call is for one of our users: never an app or a trunk
        else if (decision.Action == RouteActionKind.User) user = decision.Target;
        else if (dialed.Length > 0 && (services.Users.SessionsFor(dialed).Count > 0 || services.Devices.DevicesOf(dialed).Count > 0)) user = dialed;
        Log.InboundRouted(logger, request.CallId ?? "", incoming.Source.ToString(), dialed, decision.Route ?? "-", user ?? decision.Action?.ToString() ?? "deny");
        if (user is null)
        {
            if (decision.IsDenied) Respond(incoming, decision.RejectCode!.Value, SipStatus.ReasonPhrase(decision.RejectCode.Value));
            else if (decision.Action == RouteActionKind.App && CallApp.Parse(decision.Target) is { } app)
                new SipAppCall(services, incoming, app, decision, plan, _prompts, trunk?.Name, received).Start(); // answered by the gateway
            else Respond(incoming, 501, "Not Implemented (SIP calls may only reach web users and applications)");
            return;
        }
        // Cluster/: the user may be on other nodes (a 302 to them); served here once the lookup found none.
        if (!clusterChecked && cluster is not null && cluster.TakesOver(incoming, user, () => Safe("INVITE", () => OnNewInvite(incoming, clusterChecked: true)))) return;
        var sessions = services.Users.SessionsFor(user);
        var devices = services.Devices.DevicesOf(user);
        if (sessions.Count == 0 && devices.Count == 0)
        {
            Respond(incoming, 480, "Temporarily Unavailable");
            return;
        }
        // Every device rings: the free web sessions and each registered binding (a busy phone answers 486 itself).
        var free = sessions.Where(s => !services.Registry.IsSessionBusy(s.SessionId))
            .Concat(devices.Select(d => new SipDeviceSession(services, d))).ToList();
        if (free.Count == 0)
        {
            Respond(incoming, 486, "Busy Here");
            return;
        }
        var policy = trunk is null ? SdpTranslationPolicy.Default : OutboundCall.PolicyFor(trunk, decision.WebCodec); // the route's web_codec over the trunk's
        var caller = PresentedCaller.Of(request, trusted: trunk?.TrustIdentity == true); // RFC 3325 §9.1: PAI only from a trusted trunk
        var call = new InboundCall(services, incoming, caller, user, decision.Route, trunk?.DtmfMode ?? "rfc4733", policy, received, decision.Record, trunk?.Name, prack);
        call.Start(free);
    }

    /// <summary>
    /// §8.2.2.3: a Require tag we do not support is 420 with Unsupported (100rel counts as supported unless the trunk's
    /// prack is off); RFC 3262 §3 with prack: required, an INVITE that does not even support 100rel is 421.
    /// </summary>
    private bool CheckExtensions(IncomingRequest incoming, TrunkPrackMode prack)
    {
        var request = incoming.Request;
        var unsupported = request.GetHeaders(SipHeaderNames.Require).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(tag => !tag.Equals(SupportedTags, StringComparison.OrdinalIgnoreCase) && !(prack != TrunkPrackMode.Off && tag.Equals("100rel", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        if (unsupported.Count > 0)
        {
            var bad = SipResponse.CreateFor(request, 420);
            bad.AddHeader("Unsupported", string.Join(", ", unsupported));
            Respond(incoming, bad);
            return false;
        }
        if (prack == TrunkPrackMode.Required && !ReliableProvisionalSender.IsSupportedBy(request))
        {
            var required = SipResponse.CreateFor(request, 421);
            required.AddHeader(SipHeaderNames.Require, "100rel");
            Respond(incoming, required);
            return false;
        }
        return true;
    }

    /// <summary>
    /// A registered phone calls: Digest against the users directory (401, RFC 3261 §22.4), then the dialplan routes it
    /// as its user (the user's guards apply, so no trunk unless a route grants it to that user); a call to a user rings
    /// every device of that user but the calling one.
    /// </summary>
    private void OnPhoneInvite(IncomingRequest incoming, Gateway.Dialplan.CompiledDialplan plan, string fromUser, long received)
    {
        var request = incoming.Request;
        if (registrar!.Authenticate(request, fromUser, out var refusal) is not { } caller)
        {
            Respond(incoming, refusal!);
            return;
        }
        if (calls is not null && SipWebRtcCaller.IsWebRtcOffer(request))
        {
            // JsSIP, SIP.js: a browser offer, placed as that user's browser call (apps, users and trunks alike).
            Log.WebRtcPhonePlaced(logger, request.CallId ?? "", caller.Name, request.RequestUri.User ?? "");
            new SipWebRtcCaller(services, incoming, caller.Name, calls).Start();
            return;
        }
        var decision = plan.Route(new CallRequest(new CallSource(CallSourceKind.WebUser, caller.Name), request.RequestUri.ToString(), services.Time.GetUtcNow()));
        Log.PhoneRouted(logger, request.CallId ?? "", caller.Name, request.RequestUri.User ?? "", decision.Route ?? "-", decision.Action?.ToString() ?? "deny");
        if (decision.IsDenied)
        {
            Respond(incoming, decision.RejectCode!.Value, SipStatus.ReasonPhrase(decision.RejectCode.Value));
            return;
        }
        if (decision.Action == RouteActionKind.App && CallApp.Parse(decision.Target) is { } app)
        {
            new SipAppCall(services, incoming, app, decision, plan, _prompts, null, received).Start(); // echo, playback, conference
            return;
        }
        if (decision.Action is RouteActionKind.Trunk or RouteActionKind.Uri)
        {
            // Out through the route's trunks the dialplan granted this user (its guards applied above), media anchored.
            if (services.Limits.TryAcquireUser(plan, caller.Name) is not { } lease)
            {
                Respond(incoming, 486, "Busy Here (too many calls for this user)");
                return;
            }
            var call = new PhoneTrunkCall(services, incoming, caller.Name, plan, decision, received);
            call.KeepLease(lease);
            call.Start();
            return;
        }
        if (decision.Action != RouteActionKind.User || decision.Target is not { Length: > 0 } user)
        {
            Respond(incoming, 501, "Not Implemented (a phone may call users, applications and trunks)");
            return;
        }
        var targets = services.Users.SessionsFor(user).Where(s => !services.Registry.IsSessionBusy(s.SessionId))
            .Concat(services.Devices.DevicesOf(user).Where(d => d.Destination != incoming.Source).Select(d => new SipDeviceSession(services, d))).ToList();
        if (targets.Count == 0)
        {
            Respond(incoming, 480, "Temporarily Unavailable");
            return;
        }
        new InboundCall(services, incoming, PresentedCaller.Of(request, trusted: false), user, decision.Route, "rfc4733", SdpTranslationPolicy.Default,
            received, decision.Record, null, TrunkPrackMode.Supported).Start(targets);
    }

    private void Respond(IncomingRequest incoming, int status, string reason) => Respond(incoming, SipResponse.CreateFor(incoming.Request, status, reason, SipStack.NewToken(6)));

    private void Respond(IncomingRequest incoming, SipResponse response)
    {
        incoming.Respond(response);
        services.Metrics.SipResponse(response.StatusCode);
    }

    private static partial class Log
    {
        [LoggerMessage(8200, LogLevel.Information, "INVITE {CallId} from the WebRTC phone of {User} for {Dialed}: placed as a browser call")]
        public static partial void WebRtcPhonePlaced(ILogger logger, string callId, string user, string dialed);

        [LoggerMessage(4122, LogLevel.Information, "INVITE {CallId} from the phone of {User} for {Dialed}: route {Route}, {Target}")]
        public static partial void PhoneRouted(ILogger logger, string callId, string user, string dialed, string route, string target);

        [LoggerMessage(4120, LogLevel.Error, "SIP {What} handling failed")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string what);

        [LoggerMessage(4121, LogLevel.Information, "INVITE {CallId} from {Source} for {Dialed}: route {Route}, {Target}")]
        public static partial void InboundRouted(ILogger logger, string callId, string source, string dialed, string route, string target);
    }
}
