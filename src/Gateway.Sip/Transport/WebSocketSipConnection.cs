using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Transport;

/// <summary>
/// One SIP-over-WebSocket connection (RFC 7118): each WebSocket message (text or binary, §5.1) carries exactly one SIP
/// message, at most <c>maxMessageBytes</c> long (a longer one closes the connection with 1009, RFC 6455 §7.4.1). Sends are
/// serialized (a WebSocket allows one send at a time).
/// </summary>
internal sealed class WebSocketSipConnection(WebSocket socket, IPEndPoint remote, int maxMessageBytes) : IAsyncDisposable
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public IPEndPoint Remote => remote;
    public string Id { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));

    /// <summary>RFC 5626 §4.4.1 keep-alive as JsSIP and others send it over WebSocket: a double CRLF, answered by one CRLF.</summary>
    public static bool IsKeepAlivePing(ReadOnlySpan<byte> frame) => frame.SequenceEqual("\r\n\r\n"u8);

    /// <summary>
    /// Reads the next WebSocket message into <paramref name="buffer"/>: the bytes, or null when the peer closed, or
    /// <see cref="WebSocketCloseStatus.MessageTooBig"/> through <paramref name="tooBig"/> when it ran over the bound.
    /// </summary>
    public async ValueTask<(int Length, bool Closed, bool TooBig)> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length) return (length, false, true);
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return (0, true, false);
            length += result.Count;
            if (result.EndOfMessage) return (length, false, length > maxMessageBytes);
        }
    }

    public async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (socket.State != WebSocketState.Open) return false;
            await socket.SendAsync(data, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public ValueTask<bool> SendAsync(SipMessage message, CancellationToken cancellationToken)
    {
        var writer = new ArrayBufferWriter<byte>(1024);
        message.WriteTo(writer);
        return SendAsync(writer.WrittenMemory, cancellationToken);
    }

    public async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(status, description, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException) { }
    }

    public ValueTask DisposeAsync()
    {
        socket.Dispose();
        _sendLock.Dispose();
        return ValueTask.CompletedTask;
    }
}
