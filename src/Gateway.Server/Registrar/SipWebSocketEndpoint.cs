using System.Net;
using System.Net.WebSockets;
using Gateway.Sip.Transport;

namespace Gateway.Server.Registrar;

/// <summary>
/// <c>/sip</c>: SIP over WebSocket (RFC 7118) on the gateway's HTTPS port, for JsSIP and other browser SIP clients.
/// The handshake must offer the <c>sip</c> subprotocol (§4.1), which is echoed; anything else is 400. A connection
/// over the per-source or total bound is 503; while draining, 503 too. The connection is then served by the
/// <see cref="WebSocketSipTransport"/>, which the SIP stack owns like its UDP/TCP/TLS transports.
/// </summary>
internal static class SipWebSocketEndpoint
{
    public const string Path = "/sip";

    public static WebApplication MapSipWebSocket(this WebApplication app)
    {
        app.Map(Path, HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, WebSocketSipTransport transport, Gateway.Server.Hosting.DrainState drain)
    {
        if (!context.WebSockets.IsWebSocketRequest
            || !context.WebSockets.WebSocketRequestedProtocols.Contains(WebSocketSipTransport.SubProtocol, StringComparer.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("a WebSocket upgrade with Sec-WebSocket-Protocol: sip is expected (RFC 7118 §4.1)\n", context.RequestAborted);
            return;
        }
        if (context.Connection.RemoteIpAddress is not { } address) return;
        var slot = drain.IsDraining ? null : transport.TryReserve(address);
        if (slot is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "30";
            await context.Response.WriteAsync(drain.IsDraining ? "gateway draining\n" : "too many SIP WebSocket connections\n", context.RequestAborted);
            return;
        }
        WebSocket socket;
        try
        {
            socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                SubProtocol = WebSocketSipTransport.SubProtocol,
                KeepAliveInterval = TimeSpan.FromSeconds(30),
            });
        }
        catch
        {
            slot.Dispose();
            throw;
        }
        var remote = new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, context.Connection.RemotePort);
        await transport.ServeAsync(socket, remote, slot, context.RequestAborted);
    }
}
