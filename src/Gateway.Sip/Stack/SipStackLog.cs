using Microsoft.Extensions.Logging;

namespace Gateway.Sip.Stack;

/// <summary>Source-generated log messages of the SIP stack (event ids 1200-1299).</summary>
internal static partial class SipStackLog
{
    [LoggerMessage(1201, LogLevel.Warning, "Refused invalid SIP request from {Source}: {Reason}")]
    public static partial void InvalidRequest(ILogger logger, string source, string reason);

    [LoggerMessage(1203, LogLevel.Warning, "Discarded invalid SIP response from {Source}: {Reason}")]
    public static partial void InvalidResponse(ILogger logger, string source, string reason);

    [LoggerMessage(1202, LogLevel.Error, "SIP message handler failed for a message from {Source}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string source);
}
