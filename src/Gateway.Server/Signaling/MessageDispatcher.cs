using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Signaling;

/// <summary>
/// Handles one client message (protocol.md): ping, presence, rooms, and call messages handed to the
/// <see cref="ICallController"/> (resolved at message time: the call layer registers it after signaling).
/// Any bad input gets an error reply; nothing here throws on client input.
/// </summary>
internal sealed partial class MessageDispatcher
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    // RFC 8259 §4: names SHOULD be unique; a duplicate is refused while parsing (JsonObject would throw ArgumentException later).
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    private readonly SignalingOptions _options;
    private readonly WebUserDirectory _directory;
    private readonly RoomRegistry _rooms;
    private readonly IServiceProvider _services;
    private readonly CallMessageParser _callParser;
    private readonly ILogger<MessageDispatcher> _logger;

    public MessageDispatcher(IOptions<SignalingOptions> options, WebUserDirectory directory, RoomRegistry rooms,
        IServiceProvider services, ILogger<MessageDispatcher> logger)
    {
        _options = options.Value;
        _directory = directory;
        _rooms = rooms;
        _services = services;
        _logger = logger;
        _callParser = new CallMessageParser(_options.MaxSdpBytes);
    }

    public void Dispatch(WebSession session, ReadOnlySpan<byte> utf8)
    {
        // RFC 8259 §8.1: JSON text exchanged between systems is UTF-8 (JsonNode would only notice when a string is read).
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            session.SendError(null, SignalingErrorCodes.BadRequest, "malformed JSON: not valid UTF-8");
            return;
        }
        try
        {
            DispatchCore(session, utf8);
        }
        catch (InvalidOperationException e)
        {
            // JsonNode materializes lazily: an escaped lone surrogate in a name or value only fails here.
            session.SendError(null, SignalingErrorCodes.BadRequest, $"malformed JSON: {e.Message}");
        }
    }

    private void DispatchCore(WebSession session, ReadOnlySpan<byte> utf8)
    {
        JsonObject? obj;
        try
        {
            obj = JsonNode.Parse(utf8, NodeOptions, DocumentOptions) as JsonObject;
        }
        catch (JsonException e)
        {
            session.SendError(null, SignalingErrorCodes.BadRequest, $"malformed JSON: {e.Message}");
            return;
        }
        if (obj is null) { session.SendError(null, SignalingErrorCodes.BadRequest, "a message must be a JSON object"); return; }

        // Echo a well-formed id in errors so the client can match them to a call.
        var id = obj.TryGetPropertyValue("id", out var idNode) && idNode is JsonValue idValue
            && idValue.GetValueKind() == JsonValueKind.String && idValue.TryGetValue(out string? s)
            && SignalingGrammar.IsToken(s, SignalingGrammar.MaxIdLength) ? s : null;
        if (!JsonFields.TryString(obj, "type", true, out var type, out var error))
        {
            session.SendError(id, SignalingErrorCodes.BadRequest, error);
            return;
        }
        switch (type)
        {
            case "ping": session.Send(new JsonObject { ["type"] = "pong" }); break;
            case "register": Register(session, obj); break;
            case "unregister": Unregister(session); break;
            case "join": Join(session, obj); break;
            case "leave": Leave(session, obj); break;
            case "signal": Signal(session, obj); break;
            default:
                if (CallMessageParser.IsCallType(type!)) Call(session, type!, obj, id);
                else session.SendError(id, SignalingErrorCodes.BadRequest, $"unknown message type '{Truncate(type!)}'");
                break;
        }
    }

    private void Register(WebSession session, JsonObject obj)
    {
        if (!JsonFields.TryString(obj, "user", true, out var user, out var error)) { session.SendError(null, SignalingErrorCodes.BadRequest, error); return; }
        if (!SignalingGrammar.IsUserName(user))
        {
            session.SendError(null, SignalingErrorCodes.BadRequest, $"field 'user' must match [a-z][a-z0-9._-]* (at most {SignalingGrammar.MaxUserLength} characters)");
            return;
        }
        if (session.TokenAuthenticated && user != session.Identity)
        {
            session.SendError(null, SignalingErrorCodes.Forbidden, $"this connection's token is for '{session.Identity}', not '{user}'");
            return;
        }
        if (session.RegisteredUser is { } previous && previous != user) _directory.Unregister(previous, session);
        if (!session.TokenAuthenticated) session.Identity = user; // a dev loopback client claims the name
        session.RegisteredUser = user;
        _directory.Register(user!, session);
        Log.Registered(_logger, session.SessionId, user!);
        session.Send(new JsonObject { ["type"] = "registered", ["user"] = user, ["aor"] = $"sip:{user}@{_options.Domain}" });
    }

    private void Unregister(WebSession session)
    {
        if (session.RegisteredUser is { } user)
        {
            _directory.Unregister(user, session);
            session.RegisteredUser = null;
            Log.Unregistered(_logger, session.SessionId, user);
        }
        session.Send(new JsonObject { ["type"] = "unregistered" });
    }

    private void Join(WebSession session, JsonObject obj)
    {
        if (TryRoom(session, obj, out var room)) _rooms.Join(session, room);
    }

    private void Leave(WebSession session, JsonObject obj)
    {
        if (TryRoom(session, obj, out var room) && !_rooms.Leave(session, room))
            session.SendError(null, SignalingErrorCodes.NotFound, $"not in room '{room}'");
    }

    private void Signal(WebSession session, JsonObject obj)
    {
        if (!TryRoom(session, obj, out var room)) return;
        if (!JsonFields.TryToken(obj, "to", SignalingGrammar.MaxIdLength, out var to, out var error))
        {
            session.SendError(null, SignalingErrorCodes.BadRequest, error);
            return;
        }
        if (!obj.TryGetPropertyValue("data", out var data) || data is null)
        {
            session.SendError(null, SignalingErrorCodes.BadRequest, "missing field 'data'");
            return;
        }
        obj.Remove("data"); // detach the node so it can be relayed as is
        _rooms.Signal(session, room, to, data);
    }

    private static bool TryRoom(WebSession session, JsonObject obj, out string room)
    {
        if (JsonFields.TryToken(obj, "room", SignalingGrammar.MaxRoomLength, out room, out var error)) return true;
        session.SendError(null, SignalingErrorCodes.BadRequest, error);
        return false;
    }

    private void Call(WebSession session, string type, JsonObject obj, string? id)
    {
        if (!_callParser.TryParse(type, obj, out var message, out var error))
        {
            session.SendError(id, SignalingErrorCodes.BadRequest, $"{type}: {error}");
            return;
        }
        try
        {
            _services.GetRequiredService<ICallController>().OnMessage(session, message!);
        }
        catch (Exception e)
        {
            Log.ControllerFailed(_logger, session.SessionId, type, e);
            session.SendError(message!.Id, SignalingErrorCodes.Internal, "the call could not be handled");
        }
    }

    private static string Truncate(string s) => s.Length <= 32 ? s : s[..32] + "...";

    private static partial class Log
    {
        [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Session {SessionId} registered as {User}")]
        public static partial void Registered(ILogger logger, string sessionId, string user);

        [LoggerMessage(EventId = 3021, Level = LogLevel.Information, Message = "Session {SessionId} unregistered {User}")]
        public static partial void Unregistered(ILogger logger, string sessionId, string user);

        [LoggerMessage(EventId = 3022, Level = LogLevel.Error, Message = "Session {SessionId}: the call controller failed on '{Type}'")]
        public static partial void ControllerFailed(ILogger logger, string sessionId, string type, Exception exception);
    }
}
