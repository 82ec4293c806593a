using System.Net.WebSockets;

namespace Gateway.Server.Signaling;

/// <summary>
/// One WebSocket attached to a <see cref="WebSession"/>. The session's writer loop is the only sender on the socket
/// (RFC 6455 allows one send at a time), so closing is requested here and performed by the writer.
/// </summary>
internal sealed class SessionConnection(WebSocket socket, byte[] welcome)
{
    private readonly CancellationTokenSource _wake = new();
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _broken;
    private volatile CloseRequest? _close;

    public WebSocket Socket { get; } = socket;

    /// <summary>The welcome frame, written before anything queued.</summary>
    public byte[] Welcome { get; } = welcome;

    /// <summary>Cancelled when the writer must look at the connection's state again (close or broken).</summary>
    public CancellationToken WakeToken => _wake.Token;

    public bool IsBroken => _broken;

    public CloseRequest? PendingClose => _close;

    /// <summary>Completes when the writer has stopped using the socket.</summary>
    public Task WriterDone => _writerDone.Task;

    /// <summary>The socket failed or the peer went away: stop writing to it.</summary>
    public void MarkBroken()
    {
        _broken = true;
        Wake();
    }

    /// <summary>
    /// Asks the writer to send a close frame (RFC 6455 §5.5.1) and stop; with <paramref name="flush"/> it first
    /// writes what is queued (the session is ending, nothing would be resent).
    /// </summary>
    public void RequestClose(WebSocketCloseStatus status, string reason, bool flush = false)
    {
        _close ??= new CloseRequest(status, reason, flush);
        Wake();
    }

    public void WriterStopped() => _writerDone.TrySetResult();

    private void Wake()
    {
        try { _wake.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    internal sealed record CloseRequest(WebSocketCloseStatus Status, string Reason, bool Flush);
}
