namespace Gateway.Server.Api;

/// <summary>
/// The body of POST /api/v1/calls: dial <c>to</c> through the dialplan (source api), then ring the web user <c>user</c>,
/// or the registered SIP phones of the directory user <c>phone</c> (media relayed by the gateway), or hand the answered
/// call to the application <c>app</c> (<c>echo</c>, <c>playback &lt;file&gt;</c>, <c>conference &lt;room&gt;</c>, as a
/// route's <c>app:</c>), exactly one of the three; <c>callbackUrl</c> (optional, http or https) receives the call's
/// steps as JSON POSTs (README.md "Originate a call").
/// </summary>
public sealed record OriginateCallRequest(string? To, string? User, string? CallbackUrl, string? App = null, string? Phone = null)
{
    public const int MaxNumberLength = 128, MaxUserLength = 64, MaxAppLength = 256, MaxUrlLength = 2048;

    /// <summary>The field errors (RFC 9457 validation problem <c>errors</c>), empty when the request is usable.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(To)) errors["to"] = ["required: the number (or SIP URI) to dial"];
        else if (To.Length > MaxNumberLength || To.Any(char.IsControl)) errors["to"] = [$"at most {MaxNumberLength} printable characters"];
        var targets = (User is null ? 0 : 1) + (App is null ? 0 : 1) + (Phone is null ? 0 : 1);
        if (targets == 0) errors["user"] = ["required (or phone, or app): the web user to bridge once the number answers"];
        else if (targets > 1) errors[App is not null ? "app" : "phone"] = ["exactly one of user, phone and app"];
        else if (App is not null) { if (AppProblem(App) is { } appProblem) errors["app"] = [appProblem]; }
        else if (Phone is not null) { if (NameProblem(Phone, "the directory user whose registered phones ring") is { } phoneProblem) errors["phone"] = [phoneProblem]; }
        else if (NameProblem(User!, "the web user to bridge once the number answers") is { } userProblem) errors["user"] = [userProblem];
        if (CallbackUrl is not null && CallbackProblem(CallbackUrl) is { } problem) errors["callbackUrl"] = [problem];
        return errors;
    }

    private static string? NameProblem(string name, string what)
    {
        if (string.IsNullOrWhiteSpace(name)) return "required: " + what;
        if (name.Length > MaxUserLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@' or '+'))
            return $"at most {MaxUserLength} characters: letters, digits, '.', '_', '-', '@', '+'";
        return null;
    }

    /// <summary>A built-in application as a route's <c>app:</c> names it; a playback file stays under the dialplan's folder.</summary>
    private static string? AppProblem(string app)
    {
        const string Known = "one of: echo, playback <file>, conference <room>";
        if (app.Length > MaxAppLength || app.Any(char.IsControl)) return $"at most {MaxAppLength} printable characters: {Known}";
        if (Calls.CallApp.Parse(app) is not { } parsed) return Known;
        if (parsed.Kind == Calls.CallAppKind.Playback && (Path.IsPathRooted(parsed.Argument) || parsed.Argument.Split('/', '\\').Contains("..")))
            return "the playback file is a path relative to the dialplan's folder, without '..'";
        return null;
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

/// <summary>The 201 answer of POST /api/v1/calls: the call's id (GET/DELETE /api/v1/calls/{id}), the normalized number, its route, the user, phone or app.</summary>
public sealed record OriginatedCallResource(string Id, string To, string? User, string? Route, string? CallbackUrl, string? App = null, string? Phone = null);

/// <summary>One JSON POST to the callback URL: the call's id, the step (ringing, answered, bridged, ended), when, and the SIP status.</summary>
public sealed record CallbackEvent(string CallId, string Event, DateTimeOffset At, int? Code, string? Reason, string? Outcome);
