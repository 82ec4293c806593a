using Microsoft.Extensions.Logging;

namespace Gateway.Sip.Protection;

/// <summary>Source-generated log messages of the receive-path protection (event ids 1300-1399).</summary>
internal static partial class SipProtectionLog
{
    [LoggerMessage(1301, LogLevel.Warning, "SIP input dropped in the last {Seconds} s: {Counts}; last from {Source}: {Detail}")]
    public static partial void DropSummary(ILogger logger, double seconds, string counts, string source, string detail);

    [LoggerMessage(1302, LogLevel.Error, "SIP {Loop} receive loop failed; restarting in {Delay}")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string loop, TimeSpan delay);

    [LoggerMessage(1303, LogLevel.Information, "SIP {Loop} receive loop restarted")]
    public static partial void LoopRestarted(ILogger logger, string loop);
}
