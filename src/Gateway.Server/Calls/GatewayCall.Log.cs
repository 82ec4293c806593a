using Gateway.Media.Bridge;

namespace Gateway.Server.Calls;

internal abstract partial class GatewayCall
{
    /// <summary>Call log messages (event ids 4000-4029).</summary>
    protected static partial class Log
    {
        [LoggerMessage(4000, LogLevel.Debug, "Call {CallId}: {From} -> {To}")]
        public static partial void StateChanged(ILogger logger, string callId, CallState from, CallState to);

        [LoggerMessage(4001, LogLevel.Information, "Call {CallId} ended: {Code} {Reason} ({Outcome})")]
        public static partial void CallEnded(ILogger logger, string callId, int code, string reason, string outcome);

        [LoggerMessage(4002, LogLevel.Error, "Call {CallId}: {What} failed")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string callId, string what);

        [LoggerMessage(4003, LogLevel.Warning, "Call {CallId}: no media available: {Message}")]
        public static partial void MediaUnavailable(ILogger logger, string callId, string message);

        [LoggerMessage(4004, LogLevel.Information, "Call {CallId}: the media plane ended the session: {Reason}")]
        public static partial void MediaEnded(ILogger logger, string callId, MediaEndReason reason);

        [LoggerMessage(4005, LogLevel.Information, "Call {CallId}: {Method} answered {Status} {Phrase}")]
        public static partial void RequestFailed(ILogger logger, string callId, string method, int status, string phrase);

        [LoggerMessage(4006, LogLevel.Debug, "Call {CallId}: INFO received ({ContentType})")]
        public static partial void InfoReceived(ILogger logger, string callId, string contentType);

        [LoggerMessage(4007, LogLevel.Warning, "Call {CallId}: the peer did not refresh the session (RFC 4028): ending it")]
        public static partial void SessionExpired(ILogger logger, string callId);

        [LoggerMessage(4009, LogLevel.Information, "Call {CallId}: trunk {Trunk} answered {Status} {Phrase}")]
        public static partial void AttemptFailed(ILogger logger, string callId, string trunk, int status, string phrase);

        [LoggerMessage(4010, LogLevel.Warning, "Call {CallId}: {Source} event refused, its queue is full ({Refused} refused so far)")]
        public static partial void MailboxFull(ILogger logger, string callId, string source, long refused);

        [LoggerMessage(4870, LogLevel.Warning, "Call {CallId} hung up by operator {By} while {State}")]
        public static partial void OperatorHangup(ILogger logger, string callId, CallState state, string by);

        [LoggerMessage(4008, LogLevel.Information, "Call {CallId}: {Message}")]
        public static partial void Progress(ILogger logger, string callId, string message);
    }
}
