using System.Net;
using Microsoft.Extensions.Logging;

namespace Gateway.Sip.Transport;

/// <summary>Source-generated log messages of the transports (event ids 1100-1199, 1150-1159 the TLS client; 1102, 1104 and 1106 are retired: drops and loop failures are logged by Protection).</summary>
internal static partial class SipTransportLog
{
    [LoggerMessage(1101, LogLevel.Information, "SIP {Protocol} listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, SipTransportProtocol protocol, IPEndPoint endPoint);

    [LoggerMessage(1103, LogLevel.Warning, "SIP send to {Remote} failed: {Error}")]
    public static partial void SendFailed(ILogger logger, string remote, string error);

    [LoggerMessage(1107, LogLevel.Information, "SIP UDP {EndPoint} receive buffer {Bytes} bytes (asked {Asked})")]
    public static partial void ReceiveBuffer(ILogger logger, IPEndPoint endPoint, int bytes, int asked);

    [LoggerMessage(1105, LogLevel.Debug, "SIP {Protocol} connection {Remote} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, SipTransportProtocol protocol, EndPoint? remote, string reason);

    [LoggerMessage(1150, LogLevel.Warning, "TLS to trunk {Trunk} refused: host {Host} at {Remote}: {Reason}")]
    public static partial void TlsCertificateRefused(ILogger logger, string trunk, string host, IPEndPoint remote, string reason);
}
