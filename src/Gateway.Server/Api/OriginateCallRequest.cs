namespace Gateway.Server.Api;

/// <summary>
/// The body of POST /api/v1/calls: dial <c>to</c> through the dialplan (source api), then ring the web user <c>user</c>;
/// <c>callbackUrl</c> (optional, http or https) receives the call's steps as JSON POSTs (README.md "Originate a call").
/// </summary>
public sealed record OriginateCallRequest(string? To, string? User, string? CallbackUrl)
{
    public const int MaxNumberLength = 128, MaxUserLength = 64, MaxUrlLength = 2048;

    /// <summary>The field errors (RFC 9457 validation problem <c>errors</c>), empty when the request is usable.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(To)) errors["to"] = ["required: the number (or SIP URI) to dial"];
        else if (To.Length > MaxNumberLength || To.Any(char.IsControl)) errors["to"] = [$"at most {MaxNumberLength} printable characters"];
        if (string.IsNullOrWhiteSpace(User)) errors["user"] = ["required: the web user to bridge once the number answers"];
        else if (User.Length > MaxUserLength || !User.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@' or '+'))
            errors["user"] = [$"at most {MaxUserLength} characters: letters, digits, '.', '_', '-', '@', '+'"];
        if (CallbackUrl is not null && CallbackProblem(CallbackUrl) is { } problem) errors["callbackUrl"] = [problem];
        return errors;
    }

    /// <summary>
    /// SSRF-conscious: an absolute http or https URL without user info (credentials would be sent to wherever it points);
    /// the gateway never follows redirects from it. Which hosts it may reach is the operator's to decide (admin tokens only).
    /// </summary>
    internal static string? CallbackProblem(string url)
    {
        if (url.Length > MaxUrlLength) return $"at most {MaxUrlLength} characters";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return "must be an absolute http:// or https:// URL";
        if (uri.UserInfo.Length > 0) return "must not carry user info (user:password@)";
        if (uri.Fragment.Length > 0) return "must not have a fragment";
        return null;
    }
}

/// <summary>The 201 answer of POST /api/v1/calls: the call's id (GET/DELETE /api/v1/calls/{id}), the normalized number and its route.</summary>
public sealed record OriginatedCallResource(string Id, string To, string User, string? Route, string? CallbackUrl);

/// <summary>One JSON POST to the callback URL: the call's id, the step (ringing, answered, bridged, ended), when, and the SIP status.</summary>
public sealed record CallbackEvent(string CallId, string Event, DateTimeOffset At, int? Code, string? Reason, string? Outcome);
