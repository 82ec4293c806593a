using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Signaling;

/// <summary>
/// GET /ws: authenticates before the upgrade (401 otherwise), creates or resumes (?session=) a session, sends
/// welcome, then reads client messages through the frame limit and the rate limiter into the dispatcher.
/// </summary>
internal sealed partial class SignalingEndpoint(
    IOptions<SignalingOptions> options,
    ClientAuthenticator authenticator,
    SessionManager sessions,
    MessageDispatcher dispatcher,
    IceServerProvider iceServers,
    TimeProvider time,
    Gateway.Server.Hosting.DrainState drain,
    ILogger<SignalingEndpoint> logger)
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("WebSocket upgrade expected\n", context.RequestAborted);
            return;
        }
        if (drain.IsDraining)
        {
            // Draining: no new sessions; the client should reconnect elsewhere (or here after the restart).
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = Gateway.Server.Hosting.DrainState.RetryAfterSeconds.ToString();
            await context.Response.WriteAsync("gateway draining: shutting down, no new connections\n", context.RequestAborted);
            return;
        }
        var auth = await authenticator.AuthenticateAsync(context);
        var (identity, authError) = (auth.Identity, auth.Error ?? "");
        if (!auth.Succeeded)
        {
            Log.Unauthorized(logger, context.Connection.RemoteIpAddress?.ToString(), authError);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await context.Response.WriteAsync(authError + "\n", context.RequestAborted);
            return;
        }

        WebSession? session = null;
        var resumeId = context.Request.Query["session"].ToString();
        if (resumeId.Length > 0 && sessions.TryGet(resumeId, out var existing))
        {
            if (!SessionManager.CanResume(existing!, identity))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("session belongs to another identity\n", context.RequestAborted);
                return;
            }
            session = existing;
        }

        var o = options.Value;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = o.KeepAliveInterval,
            KeepAliveTimeout = o.KeepAliveTimeout == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : o.KeepAliveTimeout,
        });

        SessionConnection connection;
        while (true)
        {
            // An unknown or expired ?session= gets a fresh session: the new id in welcome tells the client.
            session ??= sessions.Create(identity);
            connection = new SessionConnection(socket, Welcome(session, resumed: session.SessionId == resumeId));
            if (session.Attach(connection, identity)) break;
            session = null; // ended between lookup and attach
        }
        if (resumeId == session.SessionId) Log.Resumed(logger, session.SessionId);

        WebSocketCloseStatus? closeStatus;
        try
        {
            closeStatus = await ReadLoopAsync(session, connection, context.RequestAborted);
        }
        catch (Exception e)
        {
            // A fault in the session's own handling: end it (unregistered, calls hung up) rather than keep a
            // session nobody reads for the reconnect grace or, worse, forever. RFC 6455 §7.4.1: 1011.
            Log.SessionFaulted(logger, session.SessionId, e);
            closeStatus = WebSocketCloseStatus.InternalServerError;
        }
        if (closeStatus != WebSocketCloseStatus.InternalServerError && !session.IsCurrent(connection))
            closeStatus = null; // replaced by a reconnect: the session lives on
        switch (closeStatus)
        {
            case WebSocketCloseStatus.PolicyViolation:
                sessions.End(session, "rate limit abuse");
                break;
            case WebSocketCloseStatus.NormalClosure:
                sessions.End(session, "closed by the client");
                break;
            case WebSocketCloseStatus.InvalidPayloadData:
                sessions.End(session, "WebSocket protocol error (e.g. invalid UTF-8)");
                break;
            case WebSocketCloseStatus.InternalServerError:
                connection.RequestClose(WebSocketCloseStatus.InternalServerError, "session fault", flush: true);
                sessions.End(session, "session fault");
                break;
            default:
                sessions.Detached(session, connection);
                break;
        }
        // Let the writer finish its close frame before the socket is disposed.
        try { await connection.WriterDone.WaitAsync(CloseHandshakeTimeout); }
        catch (TimeoutException) { }
    }

    /// <summary>
    /// NormalClosure when the client closed with 1000, PolicyViolation on abuse, InvalidPayloadData on a WebSocket protocol
    /// violation, InternalServerError when handling a message failed, null when the socket dropped.
    /// </summary>
    private async Task<WebSocketCloseStatus?> ReadLoopAsync(WebSession session, SessionConnection connection, CancellationToken aborted)
    {
        var o = options.Value;
        var limiter = new MessageRateLimiter(o.RateLimitPerSecond, o.RateLimitBurst, o.RateLimitAbuseSeconds, time);
        using var reader = new FrameReader(connection.Socket, o.MaxFrameBytes);
        try
        {
            while (!connection.IsBroken)
            {
                var kind = await reader.ReadAsync(aborted);
                if (kind == FrameKind.Close)
                {
                    var status = connection.Socket.CloseStatus;
                    connection.RequestClose(status ?? WebSocketCloseStatus.NormalClosure, "");
                    // RFC 6455 §7.4.1: 1000 means the client is done; 1001 (page going away) etc. may come back.
                    return status == WebSocketCloseStatus.NormalClosure ? WebSocketCloseStatus.NormalClosure : null;
                }
                switch (limiter.Take())
                {
                    case RateDecision.Limited:
                        continue;
                    case RateDecision.LimitedNotify:
                        Log.RateLimited(logger, session.SessionId);
                        session.SendError(null, SignalingErrorCodes.RateLimited, $"more than {o.RateLimitPerSecond} messages/s: messages are dropped");
                        continue;
                    case RateDecision.Abuse:
                        Log.Abuse(logger, session.SessionId, o.RateLimitAbuseSeconds);
                        connection.RequestClose(WebSocketCloseStatus.PolicyViolation, "rate limit exceeded repeatedly", flush: true);
                        return WebSocketCloseStatus.PolicyViolation;
                }
                switch (kind)
                {
                    case FrameKind.Oversized:
                        session.SendError(null, SignalingErrorCodes.BadRequest, $"frame exceeds {o.MaxFrameBytes} bytes");
                        break;
                    case FrameKind.Binary:
                        session.SendError(null, SignalingErrorCodes.BadRequest, "binary frames are not supported: send JSON text frames");
                        break;
                    default:
                        if (!TryDispatch(session, reader.Message.Span)) return WebSocketCloseStatus.InternalServerError;
                        break;
                }
            }
            return null;
        }
        catch (WebSocketException e) when (e.WebSocketErrorCode == WebSocketError.Faulted)
        {
            // RFC 6455 §8.1, §7.1.7: the WebSocket layer failed the connection for a protocol violation (invalid
            // UTF-8 in a text frame is closed with 1007): not a dropped network, so the session ends now.
            Log.SocketDropped(logger, session.SessionId, e.Message);
            return WebSocketCloseStatus.InvalidPayloadData;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            Log.SocketDropped(logger, session.SessionId, e.Message);
            return null;
        }
    }

    /// <summary>The dispatcher never throws on client input; if it throws anyway, the session must end (false).</summary>
    private bool TryDispatch(WebSession session, ReadOnlySpan<byte> message)
    {
        try
        {
            dispatcher.Dispatch(session, message);
            return true;
        }
        catch (Exception e)
        {
            Log.SessionFaulted(logger, session.SessionId, e);
            return false;
        }
    }

    /// <summary>The first frame; "resumed" (an addition to protocol.md) tells a reconnecting client its session survived.</summary>
    private byte[] Welcome(WebSession session, bool resumed) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["type"] = "welcome",
        ["session"] = session.SessionId,
        ["iceServers"] = iceServers.Build(session.Identity),
        ["resumed"] = resumed,
    });

    private static partial class Log
    {
        [LoggerMessage(EventId = 3030, Level = LogLevel.Warning, Message = "Refused a signaling connection from {Remote}: {Reason}")]
        public static partial void Unauthorized(ILogger logger, string? remote, string reason);

        [LoggerMessage(EventId = 3031, Level = LogLevel.Information, Message = "Session {SessionId} resumed on a new socket")]
        public static partial void Resumed(ILogger logger, string sessionId);

        [LoggerMessage(EventId = 3032, Level = LogLevel.Warning, Message = "Session {SessionId} is over its message rate")]
        public static partial void RateLimited(ILogger logger, string sessionId);

        [LoggerMessage(EventId = 3033, Level = LogLevel.Warning, Message = "Session {SessionId} closed with 1008: over the message rate for {Seconds} consecutive seconds")]
        public static partial void Abuse(ILogger logger, string sessionId, int seconds);

        [LoggerMessage(EventId = 3034, Level = LogLevel.Debug, Message = "Session {SessionId}: socket dropped: {Reason}")]
        public static partial void SocketDropped(ILogger logger, string sessionId, string reason);

        [LoggerMessage(EventId = 3035, Level = LogLevel.Error, Message = "Session {SessionId}: handling failed; the session is ended")]
        public static partial void SessionFaulted(ILogger logger, string sessionId, Exception exception);
    }
}
