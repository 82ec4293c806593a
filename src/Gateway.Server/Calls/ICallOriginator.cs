namespace Gateway.Server.Calls;

/// <summary>
/// Places a call for an operator's backend (POST /api/v1/calls): the number through the dialplan as the source
/// <c>api</c> (its routes and guards decide the trunks), and once that party answers, the web user's sessions are rung
/// with it as an incoming call, or the registered phones of a directory user are, or a built-in application (echo,
/// playback, conference) serves it.
/// </summary>
public interface ICallOriginator
{
    /// <param name="progress">Given the call's directory id, where its steps go (null: nowhere).</param>
    OriginateResult Originate(OriginateRequest request, string by, Func<string, ICallProgressSink?> progress);
}

/// <summary>
/// Dial <paramref name="To"/>, then bridge the web user <paramref name="User"/>, or the SIP bindings of the directory
/// user <paramref name="Phone"/> (registered phones), or hand the answered leg to the application <paramref name="App"/>
/// (as a route's <c>app:</c> names it); exactly one of the three.
/// </summary>
public sealed record OriginateRequest(string To, string? User, string? App = null, string? Phone = null);

/// <summary>Why an originate request was refused before any call was placed.</summary>
public enum OriginateRefusal
{
    /// <summary>The gateway drains: no new calls.</summary>
    Draining,
    /// <summary>The dialplan denies the number to the source api (no route, a guard, reject:).</summary>
    Denied,
    /// <summary>The route does not dial a trunk or a URI (user:, app:).</summary>
    NotDialable,
    /// <summary>The web user has no signaling session.</summary>
    UserUnavailable,
    /// <summary>Every session of the web user is in a call.</summary>
    UserBusy,
    /// <summary>The application cannot serve the call (unknown, or its playback prompt is missing or unreadable).</summary>
    AppUnavailable,
    /// <summary>The directory user has no registered phone that takes plain RTP (no SIP binding over UDP, TCP or TLS).</summary>
    PhoneUnavailable,
}

/// <summary>The call placed (its directory id), or why not.</summary>
public sealed record OriginateResult(string? Id, string Number, string? Route, OriginateRefusal? Refusal = null, int? Code = null, string? Detail = null)
{
    public bool IsStarted => Id is not null;
}
