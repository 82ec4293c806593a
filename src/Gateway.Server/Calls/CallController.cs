using System.Diagnostics;
using Gateway.Dialplan;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Calls;

/// <summary>
/// The B2BUA's web entry point (<see cref="ICallController"/>): places the browser's calls by the dialplan and
/// hands every other call message to its call. Each message is handled in isolation: a failure is logged and
/// answered with an error, never thrown into the signaling front end.
/// </summary>
internal sealed partial class CallController(CallServices services, PromptCache prompts, ILogger<CallController> logger) : ICallController
{
    public void OnMessage(IWebSession session, ClientCallMessage message)
    {
        try
        {
            if (message is PlaceCall place)
            {
                Place(session, place);
                return;
            }
            if (message is TrickleCandidate { Candidate.Length: > 0 } trickled && IceCandidateCheck.Check(trickled.Candidate) is { } bad)
            {
                session.SendError(message.Id, "bad_request", bad);
                return;
            }
            if (services.Registry.FindWeb(session.SessionId, message.Id) is not { } call)
            {
                if (message is Hangup) return; // already over: nothing to do
                session.SendError(message.Id, "not_found", message is TrickleCandidate ? "candidate for an unknown call" : "no such call");
                return;
            }
            // Posted to the call's queue: handled there in order with its SIP events (candidates too, RFC 8838 §8.2).
            call.OnClientMessage(session, message);
        }
        catch (Exception e)
        {
            Log.MessageFailed(logger, e, session.SessionId, message.Id);
            session.SendError(message.Id, "internal", "the gateway could not handle this message");
        }
    }

    public void OnSessionEnded(IWebSession session)
    {
        foreach (var call in services.Registry.ForSession(session.SessionId))
        {
            try { call.OnSessionEnded(session); }
            catch (Exception e) { Log.MessageFailed(logger, e, session.SessionId, call.Id); }
        }
    }

    /// <summary>Routing: web:&lt;who&gt; through the dialplan, then an app, a trunk/URI call, or a hangup with the reason.</summary>
    private void Place(IWebSession session, PlaceCall place)
    {
        var received = Stopwatch.GetTimestamp();
        if (services.Drain.IsDraining)
        {
            session.SendError(place.Id, SignalingErrorCodes.Unavailable, "the gateway is shutting down: no new calls");
            return;
        }
        if (services.Registry.FindWeb(session.SessionId, place.Id) is not null)
        {
            session.SendError(place.Id, "conflict", "a call with this id is in progress");
            return;
        }
        var caller = session.Identity ?? session.RegisteredUser ?? session.SessionId;
        if (!SessionDescription.TryParse(place.Sdp, out var offer, out var sdpError))
        {
            SendHangup(session, place.Id, 488, "Not Acceptable Here (the offer does not parse: " + sdpError + ")");
            return;
        }
        if (WebRtcOfferCheck.Check(offer!) is { } unusable)
        {
            // Before routing and media: an offer that cannot secure its media gets nothing allocated.
            SendHangup(session, place.Id, 488, unusable.ToFailure().Reason);
            return;
        }
        var plan = services.Dialplan();
        var decision = plan.Route(new CallRequest(new CallSource(CallSourceKind.WebUser, caller), place.To, services.Time.GetUtcNow()));
        Log.Routed(logger, place.Id, caller, place.To, decision.Route ?? "-", decision.Action?.ToString() ?? "deny");
        if (decision.IsDenied)
        {
            Refuse(session, place, caller, decision, decision.RejectCode!.Value, decision.Reason ?? "rejected by the dialplan", "rejected", received);
            return;
        }
        IReadOnlyList<IWebSession> devices = [];
        if (decision.Action == RouteActionKind.User && (devices = DevicesOf(decision.Target ?? "", session)).Count == 0)
        {
            var code = services.Users.SessionsFor(decision.Target ?? "").Any(s => s.SessionId != session.SessionId) ? 486 : 480;
            if (code == 486 || services.RemoteUsers is null)
            {
                Refuse(session, place, caller, decision, code, SipStatus.ReasonPhrase(code), code == 486 ? "busy" : "no_answer", received);
                return;
            }
            // Cluster/: nothing of the user here; the call looks for the user's other nodes itself (480 when none).
        }
        var lease = services.Limits.TryAcquireUser(plan, caller);
        if (lease is null)
        {
            Refuse(session, place, caller, decision, 486, "Busy Here (too many calls for this user)", "busy", received);
            return;
        }
        GatewayCall call = decision.Action switch
        {
            RouteActionKind.App => new AppCall(services, session, place, offer!, decision, plan, prompts, caller, received),
            RouteActionKind.User => new WebUserCall(services, session, place, offer!, decision, devices, caller, received),
            _ => new OutboundCall(services, session, place, offer!, plan, decision, caller, received),
        };
        call.KeepLease(lease);
        if (!services.Registry.TryAddWeb(session.SessionId, place.Id, call))
        {
            call.Abort(409, "conflict");
            session.SendError(place.Id, "conflict", "a call with this id is in progress");
            return;
        }
        if (call is AppCall app) app.Start();
        else if (call is WebUserCall web) web.Start();
        else ((OutboundCall)call).Start();
    }

    /// <summary>Every device of the user that can ring: its free web sessions (not the caller's) and its registered SIP devices.</summary>
    private List<IWebSession> DevicesOf(string user, IWebSession caller) =>
        services.Users.SessionsFor(user).Where(s => s.SessionId != caller.SessionId && !services.Registry.IsSessionBusy(s.SessionId))
            .Concat(services.Devices.DevicesOf(user).Select(d => new SipDeviceSession(services, d))).ToList();

    /// <summary>A call the dialplan refuses still counts (metrics, CDR): a call object that ends at once.</summary>
    private void Refuse(IWebSession session, PlaceCall place, string caller, RouteDecision decision, int code, string reason, string outcome, long received)
    {
        var call = new RefusedCall(services, session, place.Id, caller, decision, received);
        call.Refuse(code, reason, outcome);
    }

    private static void SendHangup(IWebSession session, string id, int code, string reason) =>
        session.Send(new System.Text.Json.Nodes.JsonObject { ["type"] = "hangup", ["id"] = id, ["code"] = code, ["reason"] = reason });

    private static partial class Log
    {
        [LoggerMessage(4100, LogLevel.Error, "Session {SessionId}: call message for {CallId} failed")]
        public static partial void MessageFailed(ILogger logger, Exception exception, string sessionId, string callId);

        [LoggerMessage(4101, LogLevel.Information, "Call {CallId} from web:{Caller} to {To}: route {Route}, {Action}")]
        public static partial void Routed(ILogger logger, string callId, string caller, string to, string route, string action);
    }
}

/// <summary>A browser's call the dialplan (or a limit) refused: exists only to be counted and recorded.</summary>
internal sealed class RefusedCall(CallServices services, IWebSession session, string id, string caller, RouteDecision decision, long received)
    : GatewayCall(services, id, "outbound", caller, decision.Normalized, received)
{
    public void Refuse(int code, string reason, string outcome)
    {
        Web = session;
        Route = decision.Route;
        Post(new AbortRequested(code, reason) { Outcome = outcome, Web = WebNotice.Hangup });
    }

    protected override void HandleClientMessage(IWebSession session, ClientCallMessage message) { }
    protected override void HandleSessionEnded(IWebSession session) { }
}
