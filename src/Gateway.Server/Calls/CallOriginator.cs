using System.Diagnostics;
using Gateway.Dialplan;

namespace Gateway.Server.Calls;

/// <summary>
/// <see cref="ICallOriginator"/>: routes the number as the source api, checks the web user can take a call (or the
/// user has a registered phone, or the application can serve it: its playback prompt is read), then starts an <see cref="OriginatedCall"/> under its
/// directory id. Nothing is allocated for a refused request.
/// </summary>
internal sealed partial class CallOriginator(CallServices services, CallDirectory directory, ILogger<CallOriginator> logger,
    PromptCache? prompts = null) : ICallOriginator
{
    private readonly PromptCache _prompts = prompts ?? new PromptCache(services.Loggers.CreateLogger<PromptCache>());

    public OriginateResult Originate(OriginateRequest request, string by, Func<string, ICallProgressSink?> progress)
    {
        var received = Stopwatch.GetTimestamp();
        if (services.Drain.IsDraining)
            return new OriginateResult(null, request.To, null, OriginateRefusal.Draining, 503, "the gateway is shutting down: no new calls");
        var plan = services.Dialplan();
        var decision = plan.Route(new CallRequest(CallSource.Api, request.To, services.Time.GetUtcNow()));
        var target = request.User is { } user ? "web user " + user : request.Phone is { } phone ? "phones of " + phone : "app " + request.App;
        Log.Routed(logger, request.To, target, decision.Route ?? "-", decision.Action?.ToString() ?? "deny", by);
        if (decision.IsDenied)
            return new OriginateResult(null, decision.Normalized, decision.Route, OriginateRefusal.Denied, decision.RejectCode, decision.Reason ?? "rejected by the dialplan");
        if (decision.Action is not (RouteActionKind.Trunk or RouteActionKind.Uri))
            return new OriginateResult(null, decision.Normalized, decision.Route, OriginateRefusal.NotDialable, 501,
                $"route '{decision.Route}' does not dial a trunk or a URI ({decision.Action}); originated calls need one");
        if (request.App is { } name) return OriginateToApp(request, name, plan, decision, progress, by, received);
        if (request.Phone is { } phoneUser) return OriginateToPhones(phoneUser, plan, decision, progress, by, received);
        var sessions = services.Users.SessionsFor(request.User!);
        if (sessions.Count == 0)
            return new OriginateResult(null, decision.Normalized, decision.Route, OriginateRefusal.UserUnavailable, 480, $"web user '{request.User}' has no signaling session");
        if (sessions.All(s => services.Registry.IsSessionBusy(s.SessionId)))
            return new OriginateResult(null, decision.Normalized, decision.Route, OriginateRefusal.UserBusy, 486, $"every session of web user '{request.User}' is in a call");
        var call = new OriginatedCall(services, request.User!, plan, decision, received);
        var id = directory.IdOf(call);
        call.Progress = progress(id);
        call.Start(sessions);
        Log.Originated(logger, id, decision.Normalized, "web user " + request.User, by);
        return new OriginateResult(id, decision.Normalized, decision.Route);
    }

    /// <summary>The user's registered phones that take plain RTP (SIP over WebSocket clients want WebRTC, which the relay does not speak).</summary>
    private OriginateResult OriginateToPhones(string user, CompiledDialplan plan, RouteDecision decision, Func<string, ICallProgressSink?> progress, string by, long received)
    {
        var phones = services.Devices.DevicesOf(user).Select(d => new SipDeviceSession(services, d)).Where(d => d.Media == DeviceMedia.Rtp).ToList();
        if (phones.Count == 0)
            return new OriginateResult(null, decision.Normalized, decision.Route, OriginateRefusal.PhoneUnavailable, 480,
                $"user '{user}' has no registered phone (a SIP binding over UDP, TCP or TLS)");
        var call = new OriginatedCall(services, user, plan, decision, received, target: OriginateTarget.Phones);
        var id = directory.IdOf(call);
        call.Progress = progress(id);
        call.Start(phones);
        Log.Originated(logger, id, decision.Normalized, "phones of " + user, by);
        return new OriginateResult(id, decision.Normalized, decision.Route);
    }

    private OriginateResult OriginateToApp(OriginateRequest request, string name, CompiledDialplan plan, RouteDecision decision,
        Func<string, ICallProgressSink?> progress, string by, long received)
    {
        if (CallApp.Parse(name) is not { } app)
            return new OriginateResult(null, decision.Normalized, decision.Route, OriginateRefusal.AppUnavailable, 501, $"no application '{name}'");
        ReadOnlyMemory<short> prompt = default;
        if (app.Kind == CallAppKind.Playback)
        {
            if (app.LoadPrompt(_prompts, plan) is not { } samples)
                return new OriginateResult(null, decision.Normalized, decision.Route, OriginateRefusal.AppUnavailable, 404, $"prompt '{app.Argument}' is missing or unreadable");
            prompt = samples;
        }
        var call = new OriginatedCall(services, name, plan, decision, received, new OriginatedApp(app, prompt));
        var id = directory.IdOf(call);
        call.Progress = progress(id);
        call.Start([]);
        Log.Originated(logger, id, decision.Normalized, "app " + name, by);
        return new OriginateResult(id, decision.Normalized, decision.Route);
    }

    private static partial class Log
    {
        [LoggerMessage(4871, LogLevel.Information, "Originate to {To} for {Target} by {By}: route {Route}, {Action}")]
        public static partial void Routed(ILogger logger, string to, string target, string route, string action, string by);

        [LoggerMessage(4872, LogLevel.Information, "Call {CallId} originated to {To}, then {Target}, by {By}")]
        public static partial void Originated(ILogger logger, string callId, string to, string target, string by);
    }
}
