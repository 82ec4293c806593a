using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Server.Tests.Signaling;

/// <summary>A ClientWebSocket speaking the JSON protocol, with timeouts on every wait.</summary>
internal sealed class WsTestClient : IAsyncDisposable
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(5);
    private readonly ClientWebSocket _socket;
    private Task<JsonObject?>? _pending;

    private WsTestClient(ClientWebSocket socket) => _socket = socket;

    public JsonObject? Welcome { get; set; }
    public string SessionId => (string)Welcome!["session"]!;
    public WebSocket Socket => _socket;

    public static async Task<WsTestClient> ConnectAsync(Uri uri, string? bearer = null)
    {
        var socket = new ClientWebSocket();
        if (bearer is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new WsTestClient(socket);
    }

    /// <summary>Tries to connect and returns the HTTP status of the refusal (or 101).</summary>
    public static async Task<int> ConnectStatusAsync(Uri uri, string? bearer = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (bearer is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        try
        {
            using var timeout = new CancellationTokenSource(ReceiveTimeout);
            await socket.ConnectAsync(uri, timeout.Token);
        }
        catch (WebSocketException)
        {
        }
        return (int)socket.HttpStatusCode;
    }

    public Task SendAsync(string json) => SendRawAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text);

    public Task SendAsync(JsonObject message) => SendAsync(message.ToJsonString());

    public async Task SendRawAsync(byte[] data, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        await _socket.SendAsync(data, type, true, timeout.Token);
    }

    /// <summary>The next message, or null when the server closed the socket.</summary>
    public async Task<JsonObject?> ReceiveAsync(TimeSpan? timeout = null)
    {
        _pending ??= ReadAsync();
        var finished = await Task.WhenAny(_pending, Task.Delay(timeout ?? ReceiveTimeout));
        if (finished != _pending) throw new TimeoutException("no message from the server");
        var result = await _pending;
        _pending = null;
        return result;
    }

    /// <summary>The next message, which must be of <paramref name="type"/>.</summary>
    public async Task<JsonObject> ExpectAsync(string type)
    {
        var message = await ReceiveAsync() ?? throw new InvalidOperationException($"socket closed while waiting for '{type}'");
        Assert.True((string?)message["type"] == type, $"expected '{type}', got {message.ToJsonString()}");
        return message;
    }

    /// <summary>The next message must be an error with <paramref name="code"/>; returns it.</summary>
    public async Task<JsonObject> ExpectErrorAsync(string code, string? messageContains = null)
    {
        var error = await ExpectAsync("error");
        Assert.Equal(code, (string?)error["code"]);
        if (messageContains is not null) Assert.Contains(messageContains, (string?)error["message"]);
        return error;
    }

    /// <summary>Asserts nothing arrives within <paramref name="window"/>.</summary>
    public async Task ExpectSilenceAsync(TimeSpan window)
    {
        _pending ??= ReadAsync();
        var finished = await Task.WhenAny(_pending, Task.Delay(window));
        if (finished == _pending) Assert.Fail($"unexpected message: {(await _pending)?.ToJsonString() ?? "close"}");
    }

    /// <summary>Round trip through ping/pong: everything the server queued before is received first.</summary>
    public async Task<List<JsonObject>> DrainAsync()
    {
        await SendAsync("""{"type":"ping"}""");
        var seen = new List<JsonObject>();
        while (true)
        {
            var m = await ReceiveAsync() ?? throw new InvalidOperationException("closed while draining");
            if ((string?)m["type"] == "pong") return seen;
            seen.Add(m);
        }
    }

    /// <summary>Joins a room and returns the joined message.</summary>
    public async Task<JsonObject> JoinAsync(string room)
    {
        await SendAsync($$"""{"type":"join","room":"{{room}}"}""");
        return await ExpectAsync("joined");
    }

    public void Abort() => _socket.Abort();

    public async Task CloseAsync()
    {
        using var timeout = new CancellationTokenSource(ReceiveTimeout);
        try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token); }
        catch (WebSocketException) { }
    }

    private async Task<JsonObject?> ReadAsync()
    {
        var buffer = new byte[1 << 20];
        var length = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            length += result.Count;
            if (result.EndOfMessage) return JsonNode.Parse(buffer.AsSpan(0, length))!.AsObject();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        await Task.CompletedTask;
    }
}
