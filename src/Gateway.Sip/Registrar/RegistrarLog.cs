using Microsoft.Extensions.Logging;

namespace Gateway.Sip.Registrar;

/// <summary>Source-generated log messages of the registrar (event ids 1350-1369).</summary>
internal static partial class RegistrarLog
{
    [LoggerMessage(1350, LogLevel.Debug, "REGISTER {Aor} from {Flow}: {Count} binding(s)")]
    public static partial void Registered(ILogger logger, string aor, string flow, int count);

    [LoggerMessage(1351, LogLevel.Information, "REGISTER from {Source} refused {Status}: {Reason}")]
    public static partial void Refused(ILogger logger, string source, int status, string reason);

    [LoggerMessage(1352, LogLevel.Warning, "REGISTER rate of {Source} over {Rate}/s: refused for {Seconds} s")]
    public static partial void RateLimited(ILogger logger, string source, int rate, int seconds);
}
