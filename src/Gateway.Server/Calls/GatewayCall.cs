using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Media.Bridge;
using Gateway.Server.Observability;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;
using Gateway.Sip.Transactions;

namespace Gateway.Server.Calls;

/// <summary>
/// One call through the gateway (a back-to-back user agent): a web side (a signaling session and a call id)
/// and, except for the built-in apps, a SIP side (a dialog). Every event takes <see cref="Gate"/>; the state only
/// moves forward through <see cref="MoveTo"/>; <see cref="End"/> runs once and leaves nothing behind: the call
/// leaves every table, its media and timers are freed, its limits released, its CDR written.
/// </summary>
internal abstract partial class GatewayCall
{
    protected readonly Lock Gate = new();
    protected readonly CallServices Services;
    protected readonly ILogger Logger;
    private readonly List<IDisposable> _resources = [];
    private readonly DateTimeOffset _start;
    private DateTimeOffset? _answered;

    protected GatewayCall(CallServices services, string id, string direction, string from, string to, long receivedTimestamp)
    {
        Services = services;
        Logger = services.Loggers.CreateLogger(GetType());
        Id = id;
        Direction = direction;
        From = from;
        To = to;
        ReceivedTimestamp = receivedTimestamp;
        _start = services.Time.GetUtcNow();
        SessionTimer = new SessionTimer(services.Time, OnSessionRefreshDue, OnSessionExpired);
        services.Registry.Add(this);
        services.Metrics.CallStarted();
    }

    /// <summary>The call's id on the web side (client-chosen for calls the browser places).</summary>
    public string Id { get; }
    public string Direction { get; }
    public string From { get; }
    public string To { get; protected set; }
    public string? Route { get; protected set; }
    public string? TrunkName { get; protected set; }
    /// <summary>"info" when DTMF goes to SIP as INFO (application/dtmf-relay), else RFC 4733 through the media.</summary>
    protected string DtmfMode { get; set; } = "rfc4733";
    /// <summary>Stopwatch timestamp of the browser's "call" (or the SIP INVITE) being handled.</summary>
    protected long ReceivedTimestamp { get; }
    public CallState State { get; private set; } = CallState.Routing;
    /// <summary>The browser side: the caller's session, or the session that answered a delivered call.</summary>
    protected IWebSession? Web { get; set; }
    protected ICallMedia? Media { get; set; }
    protected SipCallLeg? Leg { get; set; }
    protected SessionTimer SessionTimer { get; }
    protected MediaCodecMapping? SipMapping { get; set; }
    protected IPEndPoint? SipRemote { get; set; }
    protected bool IsAnswered => _answered is not null;

    /// <summary>Moves to <paramref name="next"/> when the call is in one of <paramref name="from"/>; false (nothing done) otherwise.</summary>
    protected bool MoveTo(CallState next, params ReadOnlySpan<CallState> from)
    {
        lock (Gate)
        {
            if (!from.Contains(State)) return false;
            Log.StateChanged(Logger, Id, State, next);
            State = next;
            if (next == CallState.Active && _answered is null) _answered = Services.Time.GetUtcNow();
            return true;
        }
    }

    /// <summary>Keeps a lease or timer until the call ends.</summary>
    protected void Keep(IDisposable? resource)
    {
        if (resource is null) return;
        lock (Gate)
        {
            if (State == CallState.Ended) { resource.Dispose(); return; }
            _resources.Add(resource);
        }
    }

    /// <summary>Holds a limit lease for the call's life.</summary>
    public void KeepLease(IDisposable lease) => Keep(lease);

    /// <summary>Ends a call that never started (no SIP side to tell).</summary>
    public void Abort(int code, string reason) => End(code, reason, "failed", notifyWeb: false);

    /// <summary>The cause the drain gives: in the BYE's Reason (RFC 3326), the browser's hangup and the CDR.</summary>
    public const string ShutdownCause = "gateway shutting down";

    /// <summary>The gateway is stopping (Hosting/GatewayDrain): hang up both sides, the CDR keeps the call's real outcome.</summary>
    public void Shutdown()
    {
        if (State == CallState.Ended) return;
        OnShutdown();
    }

    /// <summary>An answered call: BYE (Reason cause 503) and "hangup"; it stays "answered". Others: see the overrides.</summary>
    protected virtual void OnShutdown()
    {
        if (!IsAnswered)
        {
            Fail(503, "Service Unavailable (" + ShutdownCause + ")");
            return;
        }
        SendBye(503, ShutdownCause);
        End(200, ShutdownCause, "answered", notifyWeb: true);
    }

    /// <summary>Allocates the call's media and subscribes to its events; null (and a log line) when none is free.</summary>
    protected ICallMedia? CreateMedia()
    {
        try
        {
            var media = Services.Media.Create();
            media.Ended += reason => Guard("media ended", () => OnMediaEnded(reason));
            media.DtmfFromWeb += (digit, duration) => Guard("dtmf from web", () => OnDtmfFromWeb(digit, duration));
            Media = media;
            return media;
        }
        catch (Exception e) when (e is MediaUnavailableException or NotImplementedException or InvalidOperationException)
        {
            Log.MediaUnavailable(Logger, Id, e.Message);
            return null;
        }
    }

    // ---- the browser side ----

    /// <summary>A validated message for this call from one of its sessions.</summary>
    public abstract void OnClientMessage(IWebSession session, ClientCallMessage message);

    /// <summary>The session is gone for good: end what it holds of this call.</summary>
    public abstract void OnSessionEnded(IWebSession session);

    protected static void SendHangup(IWebSession session, string id, int code, string reason) =>
        session.Send(new JsonObject { ["type"] = "hangup", ["id"] = id, ["code"] = code, ["reason"] = reason });

    protected static void SendTyped(IWebSession session, string type, string id, string? sdp = null)
    {
        var message = new JsonObject { ["type"] = type, ["id"] = id };
        if (sdp is not null) message["sdp"] = sdp;
        session.Send(message);
    }

    /// <summary>Runs a handler so that its failure is logged and ends only this call.</summary>
    public void Guard(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, what);
            try { Fail(500, "gateway error"); } catch (Exception inner) { Log.HandlerFailed(Logger, inner, Id, "fail"); }
        }
    }

    /// <summary>Ends the call after an internal error: tells both sides what it can.</summary>
    protected abstract void Fail(int code, string reason);

    // ---- the media plane ----

    protected virtual void OnMediaEnded(MediaEndReason reason)
    {
        var (code, text) = reason switch
        {
            MediaEndReason.ConsentLost => (408, "ICE consent lost"),
            MediaEndReason.RtpTimeout => (408, "RTP timeout"),
            MediaEndReason.DtlsFailed => (488, "DTLS handshake failed"),
            _ => (408, "media connect timeout"),
        };
        Log.MediaEnded(Logger, Id, reason);
        if (Leg is not null && IsAnswered) SendBye(code, text);
        End(code, text, IsAnswered ? "answered" : "failed", notifyWeb: true);
    }

    // ---- the end ----

    /// <summary>BYE toward SIP, with an RFC 3326 Reason when the gateway ends the call for a cause.</summary>
    protected void SendBye(int? cause = null, string? text = null)
    {
        if (Leg is not { } leg) return;
        var bye = leg.Create(SipMethods.Bye);
        if (cause is { } c) bye.AddHeader("Reason", SipCallLeg.ReasonHeader(c, text ?? ""));
        _ = ObserveAsync(leg.SendAsync(bye), "BYE");
    }

    protected async Task ObserveAsync(Task<SipResponse> pending, string what)
    {
        try
        {
            var response = await pending;
            Services.Metrics.SipResponse(response.StatusCode);
            if (!response.IsSuccess) Log.RequestFailed(Logger, Id, what, response.StatusCode, response.ReasonPhrase);
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, what);
        }
    }

    /// <summary>Responds to a SIP request and counts the final status.</summary>
    protected void Respond(IncomingRequest incoming, SipResponse response)
    {
        incoming.Respond(response);
        if (!response.IsProvisional) Services.Metrics.SipResponse(response.StatusCode);
    }

    /// <summary>
    /// Ends the call once: leaves every table, frees media, timers and limits, counts the outcome, writes the CDR,
    /// and sends the browser side hangup when asked. The SIP side must have been told already (BYE/CANCEL/final).
    /// </summary>
    protected void End(int code, string reason, string outcome, bool notifyWeb)
    {
        List<IDisposable> resources;
        lock (Gate)
        {
            if (State == CallState.Ended) return;
            Log.StateChanged(Logger, Id, State, CallState.Ended);
            State = CallState.Ended;
            resources = [.. _resources];
            _resources.Clear();
        }
        SessionTimer.Dispose();
        Services.Registry.Remove(this);
        foreach (var r in resources)
        {
            try { r.Dispose(); } catch (Exception e) { Log.HandlerFailed(Logger, e, Id, "release"); }
        }
        var stats = default(MediaSessionStats);
        if (Media is { } media)
        {
            try { stats = media.Stats; } catch (Exception e) when (e is NotImplementedException or ObjectDisposedException) { }
            _ = DisposeMediaAsync(media);
        }
        Services.Metrics.CallEnded(outcome);
        var lost = stats.WebPacketsLost + stats.SipPacketsLost;
        Services.Metrics.ObservePacketLoss(lost, stats.WebPacketsIn + stats.SipPacketsIn + lost);
        WriteCdr(code, reason, stats);
        if (notifyWeb && Web is { } web) SendHangup(web, Id, code, reason);
        Log.CallEnded(Logger, Id, code, reason, outcome);
    }

    private async Task DisposeMediaAsync(ICallMedia media)
    {
        try { await media.DisposeAsync(); }
        catch (Exception e) { Log.HandlerFailed(Logger, e, Id, "media dispose"); }
    }

    private void WriteCdr(int code, string reason, MediaSessionStats stats)
    {
        try
        {
            var end = Services.Time.GetUtcNow();
            Services.Cdr.Write(new CallDetailRecord(Id, Direction, _start, _answered, end, From, To, Route, TrunkName, code, reason,
                _answered is { } a ? (end - a).TotalSeconds : 0,
                stats.WebPacketsOut, stats.SipPacketsOut, stats.WebPacketsLost + stats.SipPacketsLost,
                Math.Max(stats.WebJitterMs, stats.SipJitterMs)));
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, "cdr");
        }
    }

    protected static TimeSpan Since(long timestamp) => Stopwatch.GetElapsedTime(timestamp);

    /// <summary>The gateway's outcome label for a final SIP status before answer.</summary>
    protected static string OutcomeFor(int status) => status switch
    {
        486 or 600 => "busy",
        408 or 480 => "no_answer",
        487 => "cancelled",
        403 or 404 or 603 or 484 or 485 or 488 or 401 or 407 => "rejected",
        _ => "failed",
    };
}
