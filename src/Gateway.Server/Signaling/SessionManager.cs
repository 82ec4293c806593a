using System.Net.WebSockets;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Signaling;

/// <summary>
/// Owns the live sessions: creates them, finds them for ?session= reconnect, and ends them (after the reconnect
/// grace, on abuse, or on a deliberate close): unregistered, rooms left, then ICallController.OnSessionEnded.
/// </summary>
internal sealed partial class SessionManager(
    IOptions<SignalingOptions> options,
    WebUserDirectory directory,
    RoomRegistry rooms,
    IServiceProvider services,
    TimeProvider time,
    ILoggerFactory loggerFactory)
{
    private readonly ConcurrentDictionary<string, WebSession> _sessions = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger<SessionManager>();
    private readonly ILogger _sessionLogger = loggerFactory.CreateLogger<WebSession>();

    public int Count => _sessions.Count;

    /// <summary>A snapshot of the live sessions.</summary>
    public IReadOnlyCollection<WebSession> All => [.. _sessions.Values];

    public WebSession Create(ClientIdentity identity)
    {
        var session = new WebSession(NewId(16), NewId(9), identity, options.Value, _sessionLogger);
        _sessions[session.SessionId] = session;
        Log.SessionStarted(_logger, session.SessionId, identity.Identity, identity.RemoteAddress.ToString());
        return session;
    }

    public bool TryGet(string sessionId, out WebSession? session) =>
        _sessions.TryGetValue(sessionId, out session) && !session.IsEnded;

    /// <summary>May a client with <paramref name="identity"/> take over <paramref name="session"/>?</summary>
    public static bool CanResume(WebSession session, ClientIdentity identity) =>
        session.TokenAuthenticated
            ? identity.TokenAuthenticated && identity.Identity == session.Identity
            // A dev loopback session: any loopback client (already checked), but a token may not hijack another name.
            : !identity.TokenAuthenticated || session.Identity is null || identity.Identity == session.Identity;

    /// <summary>Server shutdown: close every socket with 1001 so the host need not wait for clients (RFC 6455 §7.4.1).</summary>
    public void CloseAll()
    {
        foreach (var session in _sessions.Values) session.CloseSocket(WebSocketCloseStatus.EndpointUnavailable, "server shutting down");
    }

    /// <summary>The socket dropped: keep the session for the reconnect grace.</summary>
    public void Detached(WebSession session, SessionConnection connection)
    {
        if (session.Detach(connection, options.Value.ReconnectGrace, time, s => End(s, "reconnect grace expired")))
            Log.SessionDetached(_logger, session.SessionId, options.Value.ReconnectGrace);
    }

    public void End(WebSession session, string reason)
    {
        if (!session.End()) return;
        // Unregistered first: a session that is gone from the table never still rings for SIP calls.
        if (session.RegisteredUser is { } user)
        {
            directory.Unregister(user, session);
            session.RegisteredUser = null;
        }
        _sessions.TryRemove(new KeyValuePair<string, WebSession>(session.SessionId, session));
        rooms.LeaveAll(session);
        try
        {
            services.GetRequiredService<ICallController>().OnSessionEnded(session);
        }
        catch (Exception e)
        {
            Log.ControllerFailed(_logger, session.SessionId, e);
        }
        Log.SessionEnded(_logger, session.SessionId, reason);
    }

    private static string NewId(int bytes)
    {
        Span<byte> random = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(random);
        return System.Buffers.Text.Base64Url.EncodeToString(random);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Session {SessionId} started (identity {Identity}, from {Remote})")]
        public static partial void SessionStarted(ILogger logger, string sessionId, string? identity, string remote);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Session {SessionId} lost its socket; kept for {Grace}")]
        public static partial void SessionDetached(ILogger logger, string sessionId, TimeSpan grace);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Session {SessionId} ended: {Reason}")]
        public static partial void SessionEnded(ILogger logger, string sessionId, string reason);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Session {SessionId}: the call controller failed on session end")]
        public static partial void ControllerFailed(ILogger logger, string sessionId, Exception exception);
    }
}
