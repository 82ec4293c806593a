using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// A bare protocol client (docs/protocol.md) over ClientWebSocket: sends raw text or objects and waits for
/// server messages by type and call id with a timeout. Messages not yet waited for stay queued in arrival order.
/// </summary>
public sealed class SignalingClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonObject> _incoming = Channel.CreateUnbounded<JsonObject>();
    private readonly List<JsonObject> _backlog = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiveLoop;

    public List<string> Transcript { get; } = [];
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public WebSocketState State => _socket.State;

    public static async Task<SignalingClient> ConnectAsync(Uri uri, TimeSpan? timeout = null)
    {
        var client = new SignalingClient();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        await client._socket.ConnectAsync(uri, cts.Token);
        client._receiveLoop = client.ReceiveLoopAsync();
        return client;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    lock (Transcript) Transcript.Add($"< close {result.CloseStatus} {result.CloseStatusDescription}");
                    await ReplyToCloseAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure);
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                message.SetLength(0);
                lock (Transcript) Transcript.Add("< " + text);
                JsonObject? json = null;
                try { json = JsonNode.Parse(text) as JsonObject; } catch (JsonException) { }
                await _incoming.Writer.WriteAsync(json ?? new JsonObject { ["type"] = "<not json>", ["raw"] = text });
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
        finally { _incoming.Writer.TryComplete(); }
    }

    /// <summary>RFC 6455 §5.5.1: an endpoint that receives a Close sends one back (a browser does), so the server can finish.</summary>
    private async Task ReplyToCloseAsync(WebSocketCloseStatus status)
    {
        await _sendLock.WaitAsync();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (_socket.State == WebSocketState.CloseReceived) await _socket.CloseOutputAsync(status, "", cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        finally { _sendLock.Release(); }
    }

    public async Task SendRawAsync(string text)
    {
        lock (Transcript) Transcript.Add("> " + text);
        await _sendLock.WaitAsync();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
        }
        finally { _sendLock.Release(); }
    }

    public Task SendAsync(object message) => SendRawAsync(JsonSerializer.Serialize(message));

    /// <summary>The first queued or future message of one of <paramref name="types"/> (and call id, if given).</summary>
    public async Task<JsonObject> WaitForAsync(TimeSpan timeout, string? callId, params string[] types)
    {
        bool Matches(JsonObject m) => types.Contains((string?)m["type"]) && (callId is null || (string?)m["id"] == callId);
        lock (_backlog)
        {
            var queued = _backlog.FindIndex(Matches);
            if (queued >= 0)
            {
                var found = _backlog[queued];
                _backlog.RemoveAt(queued);
                return found;
            }
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var message = await _incoming.Reader.ReadAsync(cts.Token);
                if (Matches(message)) return message;
                lock (_backlog) _backlog.Add(message);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no {string.Join("|", types)} (id {callId}) within {timeout}; transcript:\n{Dump()}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"connection closed ({_socket.CloseStatus}) before {string.Join("|", types)}; transcript:\n{Dump()}");
        }
    }

    /// <summary>Throws if the server sent an error without a call id (e.g. rate_limited: messages were dropped).</summary>
    public void ThrowOnConnectionError()
    {
        lock (_backlog)
        {
            var error = _backlog.Find(m => (string?)m["type"] == "error" && m["id"] is null);
            if (error is null) return;
            _backlog.Remove(error);
            throw new InvalidOperationException("connection error: " + error.ToJsonString());
        }
    }

    public string Dump()
    {
        lock (Transcript) return string.Join("\n", Transcript.TakeLast(40).Select(l => l.Length > 400 ? l[..400] + "..." : l));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        _stop.Cancel();
        if (_receiveLoop is not null) await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(3)).ContinueWith(_ => { });
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
