using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Gateway.Server.Signaling;

/// <summary>
/// A signaling session: outgoing messages go through one bounded channel drained by one writer loop, to whichever
/// WebSocket is attached. While no socket is attached (reconnect grace) messages stay queued, up to the bound.
/// </summary>
internal sealed partial class WebSession : IWebSession
{
    private readonly Channel<byte[]> _outbox;
    private readonly ILogger _logger;
    private readonly TimeSpan _sendTimeout;
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SessionConnection? _current;
    private SessionConnection? _serving; // the connection the writer loop took up last
    private ITimer? _graceTimer;
    private int _graceGeneration;
    private volatile bool _ended;
    private volatile string? _identity;
    private volatile string? _registeredUser;
    private volatile IPAddress _remote;

    public WebSession(string sessionId, string peerId, ClientIdentity identity, SignalingOptions options, ILogger logger)
    {
        SessionId = sessionId;
        PeerId = peerId;
        _identity = identity.Identity;
        TokenAuthenticated = identity.TokenAuthenticated;
        _remote = identity.RemoteAddress;
        _logger = logger;
        _sendTimeout = options.SendTimeout;
        _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.SendQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: Send drops instead of blocking
            SingleReader = true,
            SingleWriter = false,
        });
        Writer = Task.Run(WriterLoopAsync);
    }

    public string SessionId { get; }

    /// <summary>This session's id inside rooms (never the session id, which is a reconnect credential).</summary>
    public string PeerId { get; }

    public string? RegisteredUser { get => _registeredUser; set => _registeredUser = value; }

    public string? Identity { get => _identity; set => _identity = value; }

    /// <summary>The identity came from a verified token: register only as it, reconnect only with it.</summary>
    public bool TokenAuthenticated { get; }

    public IPAddress RemoteAddress => _remote;

    public bool IsEnded => _ended;

    /// <summary>Messages queued and not yet written.</summary>
    public int QueuedCount => _outbox.Reader.Count;

    /// <summary>Rooms this session is in; guarded by the room registry.</summary>
    public HashSet<string> Rooms { get; } = new(StringComparer.Ordinal);

    /// <summary>The writer loop; completes after the session ended.</summary>
    public Task Writer { get; }

    public void Send(JsonObject message)
    {
        if (_ended) return;
        byte[] frame;
        try { frame = JsonSerializer.SerializeToUtf8Bytes(message); }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or JsonException)
        {
            Log.SerializeFailed(_logger, SessionId, e);
            return;
        }
        if (!_outbox.Writer.TryWrite(frame) && !_ended) Log.OutboxFull(_logger, SessionId, message["type"]?.ToString());
    }

    public void SendError(string? id, string code, string message)
    {
        var error = new JsonObject { ["type"] = "error" };
        if (id is not null) error["id"] = id;
        error["code"] = code;
        error["message"] = message;
        Send(error);
    }

    /// <summary>Closes the attached socket, if any, after writing what is queued (server shutdown).</summary>
    public void CloseSocket(WebSocketCloseStatus status, string reason)
    {
        SessionConnection? current;
        lock (_gate) current = _current;
        current?.RequestClose(status, reason, flush: true);
    }

    /// <summary>A socket is attached (false during the reconnect grace).</summary>
    public bool IsAttached
    {
        get { lock (_gate) return _current is not null; }
    }

    public bool IsCurrent(SessionConnection connection)
    {
        lock (_gate) return ReferenceEquals(_current, connection);
    }

    /// <summary>Attaches a (new) socket, replacing any current one. False if the session already ended.</summary>
    public bool Attach(SessionConnection connection, ClientIdentity identity)
    {
        SessionConnection? replaced;
        bool unserved;
        lock (_gate)
        {
            if (_ended) return false;
            replaced = _current;
            unserved = replaced is not null && !ReferenceEquals(replaced, _serving);
            _current = connection;
            _remote = identity.RemoteAddress;
            _graceGeneration++;
            _graceTimer?.Dispose();
            _graceTimer = null;
            SignalChange();
        }
        if (unserved)
        {
            // Replaced before the writer took it up (quick reconnects): the writer never will, so close it here.
            _ = CloseUnservedAsync(replaced!);
        }
        else
        {
            replaced?.RequestClose(WebSocketCloseStatus.NormalClosure, "replaced by a new connection");
        }
        return true;
    }

    /// <summary>
    /// The socket is gone. If it was the current one, starts the reconnect grace timer and returns true.
    /// </summary>
    public bool Detach(SessionConnection connection, TimeSpan grace, TimeProvider time, Action<WebSession> onGraceExpired)
    {
        connection.MarkBroken();
        lock (_gate)
        {
            if (_ended || !ReferenceEquals(_current, connection)) return false;
            _current = null;
            SignalChange();
            var generation = ++_graceGeneration;
            _graceTimer = time.CreateTimer(_ =>
            {
                lock (_gate)
                {
                    if (generation != _graceGeneration || _current is not null) return;
                }
                onGraceExpired(this);
            }, null, grace, Timeout.InfiniteTimeSpan);
            return true;
        }
    }

    /// <summary>Marks the session ended (true the first time); Send drops from now on.</summary>
    public bool End()
    {
        lock (_gate)
        {
            if (_ended) return false;
            _ended = true;
            _graceGeneration++;
            _graceTimer?.Dispose();
            _graceTimer = null;
            SignalChange();
        }
        _outbox.Writer.TryComplete(); // what is still queued is flushed if a socket is attached, else dropped with the session
        return true;
    }

    /// <summary>Wakes the writer loop after _current or _ended changed; called under _gate.</summary>
    private void SignalChange()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private async Task WriterLoopAsync()
    {
        SessionConnection? served = null;
        while (true)
        {
            SessionConnection? connection;
            Task changed;
            lock (_gate)
            {
                if (_ended && (_current is null || ReferenceEquals(_current, served))) return;
                connection = ReferenceEquals(_current, served) ? null : _current;
                if (connection is not null) _serving = connection;
                changed = _changed.Task;
            }
            if (connection is null)
            {
                // Nothing attached (reconnect grace) or the served socket broke and awaits Detach: queue only.
                await changed.ConfigureAwait(false);
                continue;
            }
            await ServeAsync(connection).ConfigureAwait(false);
            served = connection;
        }
    }

    private async Task ServeAsync(SessionConnection connection)
    {
        try
        {
            if (!await SendFrameAsync(connection, connection.Welcome).ConfigureAwait(false)) return;
            var reader = _outbox.Reader;
            while (!connection.IsBroken)
            {
                var close = connection.PendingClose;
                if (close is null && _ended) close = new(WebSocketCloseStatus.NormalClosure, "session ended", Flush: true);
                if (close is not null)
                {
                    // Bounded: Send refuses new frames once the session ended, and the queue has a capacity.
                    while (close.Flush && reader.TryRead(out var queued))
                        if (!await SendFrameAsync(connection, queued).ConfigureAwait(false)) return;
                    await CloseAsync(connection, close).ConfigureAwait(false);
                    return;
                }
                if (reader.TryPeek(out var frame))
                {
                    // Removed only once written: a frame cut off by a dropped socket is sent again after reconnect.
                    if (!await SendFrameAsync(connection, frame).ConfigureAwait(false)) return;
                    reader.TryRead(out _);
                    continue;
                }
                try { await reader.WaitToReadAsync(connection.WakeToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }
        }
        finally
        {
            connection.WriterStopped();
        }
    }

    private async Task<bool> SendFrameAsync(SessionConnection connection, byte[] frame)
    {
        using var timeout = new CancellationTokenSource(_sendTimeout);
        try
        {
            await connection.Socket.SendAsync(frame, WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            Log.SendFailed(_logger, SessionId, e.Message);
            connection.MarkBroken();
            connection.Socket.Abort();
            return false;
        }
    }

    private async Task CloseUnservedAsync(SessionConnection connection)
    {
        try
        {
            await CloseAsync(connection, new(WebSocketCloseStatus.NormalClosure, "replaced by a new connection", Flush: false)).ConfigureAwait(false);
        }
        finally
        {
            connection.WriterStopped();
        }
    }

    private async Task CloseAsync(SessionConnection connection, SessionConnection.CloseRequest close)
    {
        using var timeout = new CancellationTokenSource(_sendTimeout);
        try
        {
            if (connection.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await connection.Socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            connection.Socket.Abort();
        }
        connection.MarkBroken();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Session {SessionId}: send queue full, dropped a '{Type}' message")]
        public static partial void OutboxFull(ILogger logger, string sessionId, string? type);

        [LoggerMessage(EventId = 3011, Level = LogLevel.Debug, Message = "Session {SessionId}: send failed: {Reason}")]
        public static partial void SendFailed(ILogger logger, string sessionId, string reason);

        [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Session {SessionId}: could not serialize a message")]
        public static partial void SerializeFailed(ILogger logger, string sessionId, Exception exception);
    }
}
