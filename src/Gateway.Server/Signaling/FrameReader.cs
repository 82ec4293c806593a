using System.Buffers;
using System.Net.WebSockets;

namespace Gateway.Server.Signaling;

/// <summary>
/// Reads whole client messages into a pooled buffer that grows only up to the frame limit; a larger message is
/// read through and discarded (never buffered), so memory per connection stays bounded.
/// </summary>
internal sealed class FrameReader(WebSocket socket, int maxFrameBytes) : IDisposable
{
    private const int InitialSize = 4096;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);

    /// <summary>The last Text message (valid until the next read).</summary>
    public ReadOnlyMemory<byte> Message { get; private set; }

    public async ValueTask<FrameKind> ReadAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Length > InitialSize * 4) Resize(InitialSize); // give back memory a large message took
        var length = 0;
        var oversized = false;
        while (true)
        {
            if (length == _buffer.Length && !oversized)
            {
                if (length > maxFrameBytes) oversized = true;
                else Resize(Math.Min(_buffer.Length * 2, maxFrameBytes + 1), length);
            }
            var target = oversized ? _buffer.AsMemory() : _buffer.AsMemory(length);
            var result = await socket.ReceiveAsync(target, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close) return FrameKind.Close;
            if (!oversized) length += result.Count;
            if (length > maxFrameBytes) oversized = true;
            if (!result.EndOfMessage) continue;
            if (oversized) return FrameKind.Oversized;
            if (result.MessageType == WebSocketMessageType.Binary) return FrameKind.Binary;
            Message = _buffer.AsMemory(0, length);
            return FrameKind.Text;
        }
    }

    private void Resize(int size, int keep = 0)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, keep).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
