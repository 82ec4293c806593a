namespace Gateway.Server.Signaling;

/// <summary>The "code" values of {"type":"error"} (protocol.md "Errors"); the call layer answers with these too.</summary>
public static class SignalingErrorCodes
{
    /// <summary>Malformed JSON, unknown type, missing or invalid field, oversized or binary frame.</summary>
    public const string BadRequest = "bad_request";
    public const string Unauthorized = "unauthorized";
    /// <summary>Not allowed for this identity (e.g. registering as another user than the token's sub).</summary>
    public const string Forbidden = "forbidden";
    /// <summary>Unknown call id, room or peer.</summary>
    public const string NotFound = "not_found";
    /// <summary>Already in that state (e.g. joined twice, too many rooms).</summary>
    public const string Conflict = "conflict";
    /// <summary>Over the per-connection message rate; the message was dropped.</summary>
    public const string RateLimited = "rate_limited";
    /// <summary>The service (e.g. calls) is not available.</summary>
    public const string Unavailable = "unavailable";
    /// <summary>A server fault; the connection stays usable.</summary>
    public const string Internal = "internal";
}
