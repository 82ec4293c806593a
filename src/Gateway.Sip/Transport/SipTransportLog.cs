using System.Net;
using Microsoft.Extensions.Logging;

namespace Gateway.Sip.Transport;

/// <summary>Source-generated log messages of the transports (event ids 1100-1199).</summary>
internal static partial class SipTransportLog
{
    [LoggerMessage(1101, LogLevel.Information, "SIP {Protocol} listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, SipTransportProtocol protocol, IPEndPoint endPoint);

    [LoggerMessage(1102, LogLevel.Warning, "Dropped malformed SIP message from {Source}: {Error}")]
    public static partial void Malformed(ILogger logger, string source, string error);

    [LoggerMessage(1103, LogLevel.Warning, "SIP send to {Remote} failed: {Error}")]
    public static partial void SendFailed(ILogger logger, string remote, string error);

    [LoggerMessage(1104, LogLevel.Warning, "SIP {Protocol} connection limit {Limit} reached; refused {Remote}")]
    public static partial void ConnectionLimit(ILogger logger, SipTransportProtocol protocol, int limit, EndPoint? remote);

    [LoggerMessage(1105, LogLevel.Debug, "SIP {Protocol} connection {Remote} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, SipTransportProtocol protocol, EndPoint? remote, string reason);

    [LoggerMessage(1106, LogLevel.Error, "SIP {Protocol} receive loop on {EndPoint} failed")]
    public static partial void ReceiveLoopFailed(ILogger logger, Exception exception, SipTransportProtocol protocol, IPEndPoint endPoint);
}
