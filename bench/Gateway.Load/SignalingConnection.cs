using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Gateway.Load;

/// <summary>One server message of the signaling protocol (docs/protocol.md) with the fields the tool reads.</summary>
public sealed record SignalMessage(string Type, string? Id, string? Sdp, int? Code, string? ErrorCode, string? Reason, string? From, string? Session)
{
    /// <summary>Reads one text frame; unknown or malformed frames become type "invalid" (never throws).</summary>
    public static SignalMessage Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Invalid("not an object");
            string? S(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            int? code = null;
            string? errorCode = null;
            if (root.TryGetProperty("code", out var c))
            {
                if (c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n)) code = n;
                else if (c.ValueKind == JsonValueKind.String) errorCode = c.GetString();
            }
            return new SignalMessage(S("type") ?? "invalid", S("id"), S("sdp"), code, errorCode, S("reason") ?? S("message"), S("from"), S("session"));
        }
        catch (JsonException e)
        {
            return Invalid(e.Message);
        }
    }

    private static SignalMessage Invalid(string why) => new("invalid", null, null, null, null, why, null, null);
}

/// <summary>
/// A WebSocket session with the gateway: connects, waits for "welcome", then queues every server message in
/// <see cref="Inbox"/>; <see cref="SendAsync"/> serializes client messages (one send at a time, as WebSocket requires).
/// </summary>
public sealed class SignalingConnection : IAsyncDisposable
{
    private const int MaxFrame = 256 * 1024;
    private readonly ClientWebSocket _ws = new();
    private readonly Channel<SignalMessage> _inbox = Channel.CreateUnbounded<SignalMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiveLoop = Task.CompletedTask;

    private SignalingConnection() { }

    public ChannelReader<SignalMessage> Inbox => _inbox.Reader;
    public string? Session { get; private set; }

    /// <summary>Connects and waits for the welcome frame; throws <see cref="SignalingException"/> on failure or timeout.</summary>
    public static async Task<SignalingConnection> ConnectAsync(Uri url, TimeSpan timeout, CancellationToken ct)
    {
        var connection = new SignalingConnection();
        if (url.Scheme == "wss") connection._ws.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true; // loopback only (checked by the parser)
        connection._ws.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await connection._ws.ConnectAsync(url, cts.Token).ConfigureAwait(false);
            connection._receiveLoop = Task.Run(connection.ReceiveLoopAsync, CancellationToken.None);
            var welcome = await connection._inbox.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
            if (welcome.Type != "welcome") throw new SignalingException($"first frame was '{welcome.Type}', not welcome");
            connection.Session = welcome.Session;
            return connection;
        }
        catch (Exception e) when (e is not SignalingException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new SignalingException(e is OperationCanceledException && !ct.IsCancellationRequested
                ? $"no welcome within {timeout.TotalSeconds:0} s"
                : e is ChannelClosedException ? "connection closed before welcome" : e.GetType().Name + ": " + e.Message, e);
        }
    }

    /// <summary>Sends one JSON object built by <paramref name="write"/> (inside the object braces).</summary>
    public async Task SendAsync(Action<Utf8JsonWriter> write, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _ws.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            throw new SignalingException("send failed: " + e.Message, e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        var frame = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (_ws.State == WebSocketState.Open)
            {
                var result = await _ws.ReceiveAsync(buffer.AsMemory(), _stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close) break;
                if (frame.WrittenCount + result.Count > MaxFrame) break;
                frame.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage) continue;
                if (result.MessageType == WebSocketMessageType.Text) _inbox.Writer.TryWrite(SignalMessage.Parse(frame.WrittenSpan));
                frame.Clear();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        _inbox.Writer.TryComplete();
    }

    /// <summary>Closes politely (bounded wait), then tears down.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ws.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        }
        _stop.Cancel();
        _ws.Abort();
        try { await _receiveLoop.ConfigureAwait(false); } catch (Exception) { /* ends on abort */ }
        _ws.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}

public sealed class SignalingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The client messages the tool sends.</summary>
public static class ClientMessages
{
    public static Action<Utf8JsonWriter> Register(string user) => w => { w.WriteString("type", "register"); w.WriteString("user", user); };

    public static Action<Utf8JsonWriter> Call(string id, string to, string sdp) => w =>
    {
        w.WriteString("type", "call"); w.WriteString("id", id); w.WriteString("to", to); w.WriteString("sdp", sdp);
    };

    public static Action<Utf8JsonWriter> Answer(string id, string sdp) => w => { w.WriteString("type", "answer"); w.WriteString("id", id); w.WriteString("sdp", sdp); };

    public static Action<Utf8JsonWriter> Hangup(string id) => w => { w.WriteString("type", "hangup"); w.WriteString("id", id); };

    public static Action<Utf8JsonWriter> Reject(string id, int code) => w => { w.WriteString("type", "reject"); w.WriteString("id", id); w.WriteNumber("code", code); };

    public static string Describe(SignalMessage m) =>
        new StringBuilder(m.Type).Append(m.Code is { } c ? " " + c : "").Append(m.ErrorCode is { } e ? " " + e : "")
            .Append(m.Reason is { } r ? " (" + r + ")" : "").ToString();
}
