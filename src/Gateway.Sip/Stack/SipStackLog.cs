using Microsoft.Extensions.Logging;

namespace Gateway.Sip.Stack;

/// <summary>Source-generated log messages of the SIP stack (event ids 1200-1299; 1201 and 1203 are retired: invalid messages are counted by Protection.SipDropLog).</summary>
internal static partial class SipStackLog
{
    [LoggerMessage(1202, LogLevel.Error, "SIP message handler failed for a message from {Source}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string source);
}
