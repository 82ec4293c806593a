using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Server.Tests.Web;

/// <summary>
/// A scripted /ws for the dialer page: welcome on connect, registered for register, ringing for call, the hangup
/// confirmation for hangup, pong for ping. Records every client message; tests push further server messages.
/// </summary>
internal sealed class StubSignalingServer
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private WebSocket? _socket;

    public ConcurrentQueue<JsonObject> Received { get; } = new();

    /// <summary>The query string of every WebSocket connection, in order.</summary>
    public ConcurrentQueue<string> Connections { get; } = new();

    /// <summary>Drops the current connection without a close handshake (a network failure, as the page sees it).</summary>
    public void Drop() => _socket?.Abort();

    public void Map(WebApplication app)
    {
        app.UseWebSockets();
        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
                return Results.BadRequest();
            Connections.Enqueue(context.Request.QueryString.Value ?? "");
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            _socket = socket;
            var resumed = context.Request.Query["session"] == "stub-session-1";
            await SendAsync(new JsonObject { ["type"] = "welcome", ["session"] = "stub-session-1", ["resumed"] = resumed, ["iceServers"] = new JsonArray() });
            try { await ReceiveLoopAsync(socket); }
            catch (WebSocketException) { } // dropped
            catch (OperationCanceledException) { }
            return Results.Empty;
        });
    }

    public async Task SendAsync(JsonObject message)
    {
        var socket = _socket ?? throw new InvalidOperationException("no client connected");
        await _sendLock.WaitAsync();
        try { await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None); }
        finally { _sendLock.Release(); }
    }

    public async Task<JsonObject> WaitForAsync(string type, Func<JsonObject, bool>? where = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var found = Received.FirstOrDefault(m => (string?)m["type"] == type && (where is null || where(m)));
            if (found is not null)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the page never sent '{type}'; received: {string.Join(", ", Received.Select(m => m["type"]))}");
            await Task.Delay(20);
        }
    }

    private async Task ReceiveLoopAsync(WebSocket socket)
    {
        var buffer = new byte[256 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                length += result.Count;
            } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
            if (result.MessageType == WebSocketMessageType.Close)
                break;
            if (JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, length)) is not JsonObject message)
                continue;
            Received.Enqueue(message);
            switch ((string?)message["type"])
            {
                case "register":
                    var user = (string?)message["user"];
                    await SendAsync(new JsonObject { ["type"] = "registered", ["user"] = user, ["aor"] = $"sip:{user}@gateway.local" });
                    break;
                case "call":
                    await SendAsync(new JsonObject { ["type"] = "ringing", ["id"] = (string?)message["id"] });
                    break;
                case "hangup":
                    await SendAsync(new JsonObject { ["type"] = "hangup", ["id"] = (string?)message["id"], ["code"] = 200, ["reason"] = "Normal" });
                    break;
                case "ping":
                    await SendAsync(new JsonObject { ["type"] = "pong" });
                    break;
            }
        }
    }
}
