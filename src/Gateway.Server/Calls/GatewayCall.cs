using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Media.Bridge;
using Gateway.Server.Observability;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;

namespace Gateway.Server.Calls;

/// <summary>
/// One call through the gateway, as an actor: every event (browser message, SIP request or response, timer, media
/// event, result of a request the call sent) is posted to its <see cref="CallMailbox"/> and handled there one at a
/// time by <see cref="Handle"/>, so no lock guards the call's state and nothing outside the loop changes it.
/// The state only moves forward through <see cref="MoveTo"/>; <see cref="End"/> pairs the SIP action with the browser
/// notice and the outcome, and runs once: the call leaves every table, its media and timers are freed, its limits
/// released, its CDR written. This base knows the browser side only; <see cref="SipBridgedCall"/> adds a SIP dialog.
/// </summary>
internal abstract partial class GatewayCall
{
    protected readonly CallServices Services;
    protected readonly ILogger Logger;
    private readonly CallMailbox _mailbox;
    private readonly List<IDisposable> _resources = [];
    private readonly DateTimeOffset _start;
    private DateTimeOffset? _answered;
    private volatile CallState _state = CallState.Routing;
    private CandidatesState _candidates = CandidatesState.Trickling;
    private long _refused;

    protected GatewayCall(CallServices services, string id, string direction, string from, string to, long receivedTimestamp)
    {
        Services = services;
        Logger = services.Loggers.CreateLogger(GetType());
        _mailbox = new CallMailbox(Run);
        Id = id;
        Direction = direction;
        From = from;
        To = to;
        ReceivedTimestamp = receivedTimestamp;
        _start = services.Time.GetUtcNow();
        _activity = StartTrace();
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
    /// <summary>Stopwatch timestamp of the browser's "call" (or the SIP INVITE) being handled.</summary>
    protected long ReceivedTimestamp { get; }
    /// <summary>Written by the loop only; read elsewhere as a snapshot (drain, diagnostics, tests).</summary>
    public CallState State => _state;
    /// <summary>The call's queue (tests hold it to choose the order of events).</summary>
    internal CallMailbox Mailbox => _mailbox;
    /// <summary>The browser side: the caller's session, or the session that answered a delivered call.</summary>
    protected IWebSession? Web { get; set; }
    protected ICallMedia? Media { get; set; }
    protected bool IsAnswered => _answered is not null;

    // ---- entry points: any thread, they only post ----

    /// <summary>A validated message for this call from one of its sessions.</summary>
    public void OnClientMessage(IWebSession session, ClientCallMessage message)
    {
        if (Post(new BrowserMessage(session, message))) return;
        Refused("browser");
        session.SendError(message.Id, SignalingErrorCodes.Unavailable, "too many messages for this call");
    }

    /// <summary>The session is gone for good: end what it holds of this call.</summary>
    public void OnSessionEnded(IWebSession session) => Post(new WebSessionGone(session));

    /// <summary>An in-dialog request (anything but ACK and CANCEL) whose Call-ID names this call.</summary>
    public void OnInDialogRequest(IncomingRequest incoming)
    {
        if (Post(new SipInDialogRequest(incoming))) return;
        Refused("SIP request");
        Respond(incoming, SipResponse.CreateFor(incoming.Request, 503, "Service Unavailable (call busy)"));
    }

    /// <summary>The ACK for a 2xx (our answer to an INVITE or re-INVITE).</summary>
    public void OnAck(IncomingRequest ack)
    {
        if (!Post(new SipAckReceived(ack))) Refused("ACK");
    }

    /// <summary>A CANCEL for the call's INVITE (inbound only).</summary>
    public void OnCancel(IncomingRequest cancel) => Post(new SipCancelReceived(cancel));

    /// <summary>A 2xx retransmission no transaction matched.</summary>
    public void OnStrayResponse(SipResponse response)
    {
        if (!Post(new SipStrayResponse(response))) Refused("2xx retransmission");
    }

    /// <summary>Holds a limit lease for the call's life.</summary>
    public void KeepLease(IDisposable lease) => Post(new LeaseAdopted(lease));

    /// <summary>Ends a call that never started (no SIP side to tell).</summary>
    public void Abort(int code, string reason) => Post(new AbortRequested(code, reason));

    /// <summary>The cause the drain gives: in the BYE's Reason (RFC 3326), the browser's hangup and the CDR.</summary>
    public const string ShutdownCause = "gateway shutting down";

    /// <summary>The gateway is stopping (Hosting/GatewayDrain): hang up both sides, the CDR keeps the call's real outcome.</summary>
    public void Shutdown() => Post(new ShutdownRequested());

    /// <summary>Runs an entry point so that its failure is logged and ends only this call.</summary>
    public void Guard(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            Log.HandlerFailed(Logger, e, Id, what);
            Post(new FailRequested(500, "gateway error"));
        }
    }

    protected bool Post(CallEvent e) => _mailbox.Post(e);

    /// <summary>An outside event the full queue refused: logged the first time and every 1024th (a flood logs little).</summary>
    private void Refused(string source)
    {
        var n = Interlocked.Increment(ref _refused);
        if (n == 1 || n % 1024 == 0) Log.MailboxFull(Logger, Id, source, n);
    }

    // ---- the loop ----

    private void Run(CallEvent e)
    {
        try
        {
            Handle(e);
        }
        catch (Exception ex)
        {
            Log.HandlerFailed(Logger, ex, Id, e.GetType().Name);
            try { if (State != CallState.Ended) Fail(500, "gateway error"); }
            catch (Exception inner) { Log.HandlerFailed(Logger, inner, Id, "fail"); }
        }
    }

    /// <summary>One event, on the loop. Kinds handle theirs and pass the rest down here.</summary>
    protected virtual void Handle(CallEvent e)
    {
        switch (e)
        {
            case BrowserMessage { Message: not Hangup } late when State == CallState.Ended:
                // Queued before the call ended: what the controller says of a call that is over.
                late.Session.SendError(late.Message.Id, "not_found", "no such call");
                break;
            case BrowserMessage { Message: TrickleCandidate candidate } m:
                // ICE-lite: the browser's checks find the gateway, candidates are not needed (RFC 8838 §4); but ""
                // ends the generation and nothing may follow it (§8.2).
                if (_candidates == CandidatesState.Complete) m.Session.SendError(candidate.Id, "bad_request", "candidate after end-of-candidates");
                else if (candidate.Candidate.Length == 0) _candidates = CandidatesState.Complete;
                break;
            case BrowserMessage m:
                if (State != CallState.Ended) HandleClientMessage(m.Session, m.Message);
                break;
            case WebSessionGone gone:
                if (State != CallState.Ended) HandleSessionEnded(gone.Session);
                break;
            case ShutdownRequested:
                if (State != CallState.Ended) HandleShutdown();
                break;
            case OperatorHangupRequested hangup:
                if (State != CallState.Ended) HandleOperatorHangup(hangup.By);
                break;
            case AbortRequested abort:
                End(new CallEnd(abort.Code, abort.Reason, abort.Outcome) { Web = abort.Web });
                break;
            case FailRequested fail:
                if (State != CallState.Ended) Fail(fail.Code, fail.Reason);
                break;
            case LeaseAdopted lease:
                Keep(lease.Lease);
                break;
            case MediaEnded media:
                if (State != CallState.Ended) HandleMediaEnded(media.Reason);
                break;
            case Continuation continuation:
                continuation.Resume();
                break;
            case SipInDialogRequest request:
                Respond(request.Incoming, SipResponse.CreateFor(request.Incoming.Request, 481, "Call/Transaction Does Not Exist"));
                break;
            default:
                break; // an event this kind of call never takes (a stray ACK, a digit for an app)
        }
    }

    /// <summary>Awaiting this resumes the rest of an async flow as a <see cref="Continuation"/> event on the call's loop.</summary>
    protected LoopAwaitable OnLoop() => new(this);

    internal readonly struct LoopAwaitable(GatewayCall call) : System.Runtime.CompilerServices.INotifyCompletion
    {
        public LoopAwaitable GetAwaiter() => this;
        public bool IsCompleted => false;
        public void OnCompleted(Action continuation) => call.Post(new Continuation(continuation));
        public void GetResult() { }
    }

    /// <summary>Moves to <paramref name="next"/> when the call is in one of <paramref name="from"/>; false (nothing done) otherwise.</summary>
    protected bool MoveTo(CallState next, params ReadOnlySpan<CallState> from)
    {
        if (!from.Contains(State)) return false;
        Log.StateChanged(Logger, Id, State, next);
        TraceMove(State, next);
        _state = next;
        if (next == CallState.Active && _answered is null)
        {
            _answered = Services.Time.GetUtcNow();
            StartRecordingIfAsked();
        }
        return true;
    }

    /// <summary>The route's <c>record:</c> (null: the trunk's setting decides, dialplan/README.md "Recording").</summary>
    protected bool? RouteRecord { get; init; }
    /// <summary>The trunk an inbound call came from (its <c>record:</c> applies); outbound calls use <see cref="TrunkName"/>.</summary>
    protected string? SourceTrunk { get; init; }
    /// <summary>The WAV file this call is recorded into, once it is.</summary>
    protected string? RecordingPath { get; private set; }

    /// <summary>At answer: records the call when its route (else its trunk) says <c>record: true</c>.</summary>
    private void StartRecordingIfAsked()
    {
        if (Media is not { } media || !Services.Dialplan().Records(RouteRecord, TrunkName ?? SourceTrunk)) return;
        var rate = PublishedMapping?.SipPayloadType == 9 ? 16000 : 8000; // G.722 (RFC 3551 §4.5.2) is recorded wideband
        try
        {
            RecordingPath = media.StartRecording(Recording.RecordingSetup.FileName(_start, Id), rate);
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException)
        {
            Log.HandlerFailed(Logger, e, Id, "recording");
        }
    }

    /// <summary>Keeps a lease or timer until the call ends.</summary>
    protected void Keep(IDisposable? resource)
    {
        if (resource is null) return;
        if (State == CallState.Ended) { resource.Dispose(); return; }
        _resources.Add(resource);
    }

    /// <summary>A one-shot timer that posts <paramref name="timer"/> to the call; disposed when the call ends.</summary>
    protected ITimer StartTimer(CallTimer timer, TimeSpan due, int generation = 0)
    {
        var t = Services.Time.CreateTimer(_ => Post(new TimerFired(timer, generation)), null, due, Timeout.InfiniteTimeSpan);
        Keep(t);
        return t;
    }

    /// <summary>Allocates the call's media (<paramref name="relay"/>: anchored between two SIP peers, <see cref="ICallRelayMedia"/>)
    /// and subscribes to its events; null (and a log line) when none is free.</summary>
    protected ICallMedia? CreateMedia(bool relay = false)
    {
        try
        {
            var media = relay ? Services.Media.CreateRelay() : Services.Media.Create();
            media.Ended += reason => Post(new MediaEnded(reason));
            media.DtmfFromWeb += (digit, duration) => Post(new WebDtmf(digit, duration));
            if (_activity is not null) media.Milestone += TraceMedia;
            Media = media;
            return media;
        }
        catch (Exception e) when (e is MediaUnavailableException or NotImplementedException or InvalidOperationException)
        {
            Log.MediaUnavailable(Logger, Id, e.Message);
            return null;
        }
    }

    /// <summary>A relay held beside the call's media until it may replace it (<see cref="AdoptMedia"/>); null (and a log line) when none is free.</summary>
    protected ICallRelayMedia? TryCreateRelay()
    {
        try { return Services.Media.CreateRelay(); }
        catch (Exception e) when (e is MediaUnavailableException or NotImplementedException or InvalidOperationException)
        {
            Log.MediaUnavailable(Logger, Id, e.Message);
            return null;
        }
    }

    /// <summary>The call's media becomes <paramref name="next"/> (a plain RTP phone answered: its relay instead of the
    /// web session); the previous media is disposed.</summary>
    protected void AdoptMedia(ICallMedia next)
    {
        var previous = Media;
        next.Ended += reason => Post(new MediaEnded(reason));
        Media = next;
        if (previous is not null && !ReferenceEquals(previous, next)) _ = DisposeMediaAsync(previous);
    }

    // ---- handlers every kind has ----

    protected abstract void HandleClientMessage(IWebSession session, ClientCallMessage message);

    protected abstract void HandleSessionEnded(IWebSession session);

    /// <summary>An answered call: BYE (Reason cause 503) and "hangup"; it stays "answered". Others: see the overrides.</summary>
    protected virtual void HandleShutdown()
    {
        if (!IsAnswered)
        {
            Fail(503, "Service Unavailable (" + ShutdownCause + ")");
            return;
        }
        End(new CallEnd(200, ShutdownCause, "answered") { ByeReason = (503, ShutdownCause) });
    }

    protected virtual void HandleMediaEnded(MediaEndReason reason)
    {
        var (code, text) = reason switch
        {
            MediaEndReason.ConsentLost => (408, "ICE consent lost"),
            MediaEndReason.RtpTimeout => (408, "RTP timeout"),
            MediaEndReason.DtlsFailed => (488, "DTLS handshake failed"),
            _ => (408, "media connect timeout"),
        };
        Log.MediaEnded(Logger, Id, reason);
        End(new CallEnd(code, text, IsAnswered ? "answered" : "failed") { ByeReason = (code, text) });
    }

    /// <summary>Ends the call after an internal error: tells both sides what it can.</summary>
    protected virtual void Fail(int code, string reason) => End(new CallEnd(code, reason, "failed") { ByeReason = (code, reason) });

    // ---- the web side ----

    protected static void SendHangup(IWebSession session, string id, int code, string reason) =>
        session.Send(new JsonObject { ["type"] = "hangup", ["id"] = id, ["code"] = code, ["reason"] = reason });

    protected static void SendTyped(IWebSession session, string type, string id, string? sdp = null)
    {
        var message = new JsonObject { ["type"] = type, ["id"] = id };
        if (sdp is not null) message["sdp"] = sdp;
        session.Send(message);
    }

    /// <summary>Responds to a SIP request and counts the final status.</summary>
    protected void Respond(IncomingRequest incoming, SipResponse response)
    {
        incoming.Respond(response);
        if (!response.IsProvisional) Services.Metrics.SipResponse(response.StatusCode);
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
