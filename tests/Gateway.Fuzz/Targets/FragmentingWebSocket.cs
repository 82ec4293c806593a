using System.Net.WebSockets;

namespace Gateway.Fuzz.Targets;

/// <summary>
/// A WebSocket that delivers queued messages in fragments of a fixed size, completing every receive at once, then
/// reports the peer's close. Sending is not used by <c>FrameReader</c> and is refused.
/// </summary>
public sealed class FragmentingWebSocket(List<byte[]> messages, int fragment, bool binary) : WebSocket
{
    private int _message;
    private int _offset;

    public override WebSocketCloseStatus? CloseStatus => _message >= messages.Count ? WebSocketCloseStatus.NormalClosure : null;
    public override string? CloseStatusDescription => null;
    public override WebSocketState State => _message >= messages.Count ? WebSocketState.CloseReceived : WebSocketState.Open;
    public override string? SubProtocol => null;

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_message >= messages.Count) return ValueTask.FromResult(new ValueWebSocketReceiveResult(0, WebSocketMessageType.Close, true));
        var current = messages[_message];
        var count = Math.Min(Math.Min(fragment, buffer.Length), current.Length - _offset);
        current.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        var end = _offset == current.Length;
        if (end) { _message++; _offset = 0; }
        return ValueTask.FromResult(new ValueWebSocketReceiveResult(count, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, end));
    }

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
        throw new NotSupportedException("FrameReader reads through the Memory overload");

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;
    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;
    public override void Abort() { }
    public override void Dispose() { }
}
