namespace Gateway.Server.Api;

/// <summary>The REST API's log: every mutating action with who did it (docs/logging.md, block 4850).</summary>
internal static partial class ApiLog
{
    [LoggerMessage(4850, LogLevel.Warning, "API: call {CallId} ({From} -> {To}) hung up by {Caller}")]
    public static partial void CallHungUp(ILogger logger, string callId, string from, string to, string caller);

    [LoggerMessage(4851, LogLevel.Information, "API: dialplan {File} reloaded by {Caller}: {Routes} routes active")]
    public static partial void DialplanReloaded(ILogger logger, string file, string caller, int routes);

    [LoggerMessage(4852, LogLevel.Warning, "API: dialplan reload by {Caller} refused, {Errors} error(s) in {File}; the previous plan stays active")]
    public static partial void DialplanRefused(ILogger logger, string caller, int errors, string file);

    [LoggerMessage(4853, LogLevel.Warning, "API: drain requested by {Caller} (already draining: {Already})")]
    public static partial void DrainRequested(ILogger logger, string caller, bool already);

    [LoggerMessage(4855, LogLevel.Information, "API: call {CallId} originated to {To} for {Target} by {Caller}")]
    public static partial void CallOriginated(ILogger logger, string callId, string to, string target, string caller);

    [LoggerMessage(4854, LogLevel.Information, "API: dialplan {File} checked (dry run) by {Caller}: {Errors} error(s)")]
    public static partial void DialplanChecked(ILogger logger, string file, string caller, int errors);
}
