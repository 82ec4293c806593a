using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Gateway.Sip.Messages;
using Gateway.Sip.Protection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Sip.Transport;

/// <summary>
/// SIP over WebSocket (RFC 7118) over any accepted <see cref="WebSocket"/> (the server's <c>/sip</c> endpoint hands them
/// in with <see cref="ServeAsync"/>). Each WebSocket message is one SIP message, parsed by the common parser; a double
/// CRLF is a keep-alive and gets a CRLF (RFC 5626 §4.4.1). Responses and requests go back over the connection they came
/// from (§5.2: the Via sent-by of a browser is a <c>.invalid</c> host, never resolved): connections are found by the
/// remote address and port. Bounded: connections in total and per source (<see cref="TryReserve"/>), message size,
/// and the per-source packet rate of the <see cref="SipInboundGuard"/>. It never opens a connection itself.
/// </summary>
public sealed class WebSocketSipTransport : ISipTransport
{
    private readonly SipTransportOptions _options;
    private readonly ILogger _logger;
    private readonly SipInboundGuard _guard;
    private readonly bool _ownsGuard;
    private readonly ConcurrentDictionary<IPEndPoint, WebSocketSipConnection> _connections = new();
    private readonly SourceConnectionCounter _perSource = new();
    private readonly CancellationTokenSource _stop = new();
    private int _open;
    private Action<SipInbound>? _onMessage;

    /// <param name="secure">WSS (over the HTTPS port) or plain WS.</param>
    /// <param name="local">The HTTP(S) endpoint the connections arrive on (it names the gateway in a Via it sends).</param>
    public WebSocketSipTransport(bool secure, IPEndPoint local, SipTransportOptions? options = null, ILogger? logger = null, SipInboundGuard? guard = null)
    {
        Protocol = secure ? SipTransportProtocol.Wss : SipTransportProtocol.Ws;
        LocalEndPoint = local;
        _options = options ?? new SipTransportOptions();
        _logger = logger ?? NullLogger.Instance;
        _ownsGuard = guard is null;
        _guard = guard ?? SipInboundGuard.Unlimited(_logger);
    }

    /// <summary>The WebSocket subprotocol of RFC 7118 §4.1; a handshake without it is refused.</summary>
    public const string SubProtocol = "sip";

    public SipTransportProtocol Protocol { get; }
    public bool IsReliable => true;
    public IPEndPoint LocalEndPoint { get; }
    public int ConnectionCount => Volatile.Read(ref _open);

    /// <summary>A connection ended (closed, failed or stopped): its flow (RFC 5626 §4.4) is gone and cannot be dialed back.</summary>
    public event Action<SipEndPoint>? ConnectionClosed;

    public void Start(Action<SipInbound> onMessage)
    {
        _onMessage = onMessage;
        SipTransportLog.Listening(_logger, Protocol, LocalEndPoint);
    }

    /// <summary>Takes a connection slot for <paramref name="source"/> before the upgrade; null when a bound is reached (refuse the handshake).</summary>
    public IDisposable? TryReserve(IPAddress source)
    {
        if (Interlocked.Increment(ref _open) > _options.MaxConnections)
        {
            Interlocked.Decrement(ref _open);
            _guard.Drops.Dropped(SipDropReason.Connections, new IPEndPoint(source, 0), $"{Protocol} connection limit {_options.MaxConnections}");
            return null;
        }
        if (!_perSource.TryAdd(source, _options.MaxConnectionsPerSource))
        {
            Interlocked.Decrement(ref _open);
            _guard.Drops.Dropped(SipDropReason.SourceConnections, new IPEndPoint(source, 0), $"{Protocol} per-source connection limit {_options.MaxConnectionsPerSource}");
            return null;
        }
        return new Slot(this, source);
    }

    private sealed class Slot(WebSocketSipTransport owner, IPAddress source) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            owner._perSource.Remove(source);
            Interlocked.Decrement(ref owner._open);
        }
    }

    /// <summary>Serves one accepted WebSocket until it closes; releases <paramref name="slot"/> (from <see cref="TryReserve"/>) at the end.</summary>
    public async Task ServeAsync(WebSocket socket, IPEndPoint remote, IDisposable slot, CancellationToken cancellationToken)
    {
        using var _ = slot;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var connection = new WebSocketSipConnection(socket, remote, _options.MaxMessageSize);
        _connections[remote] = connection;
        var source = new SipEndPoint(Protocol, remote);
        var buffer = new byte[_options.MaxMessageSize + 1];
        var reason = "closed by the peer";
        try
        {
            while (true)
            {
                var (length, closed, tooBig) = await connection.ReceiveAsync(buffer, stop.Token);
                if (closed) break;
                if (tooBig)
                {
                    _guard.Drops.Dropped(SipDropReason.Malformed, source, $"WebSocket message over {_options.MaxMessageSize} bytes");
                    await connection.CloseAsync(WebSocketCloseStatus.MessageTooBig, "SIP message too large");
                    reason = "message too large";
                    break;
                }
                if (!_guard.AdmitPacket(remote))
                {
                    await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "rate limit");
                    reason = "source blocked";
                    break;
                }
                var frame = buffer.AsSpan(0, length);
                if (WebSocketSipConnection.IsKeepAlivePing(frame))
                {
                    await connection.SendAsync("\r\n"u8.ToArray(), stop.Token);
                    continue;
                }
                if (!SipMessageParser.TryParse(frame, _options.MaxMessageSize, out var message, out var error))
                {
                    _guard.Drops.Dropped(SipDropReason.Malformed, source, error!.ToString());
                    continue; // RFC 7118 §5.1 / RFC 3261 §18.3: a malformed message is discarded
                }
                _onMessage?.Invoke(new SipInbound(message!, source, this));
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
            reason = e is OperationCanceledException ? "stopped" : e.Message;
        }
        finally
        {
            _connections.TryRemove(new KeyValuePair<IPEndPoint, WebSocketSipConnection>(remote, connection));
            SipTransportLog.ConnectionClosed(_logger, Protocol, remote, reason);
            await connection.DisposeAsync();
            ConnectionClosed?.Invoke(new SipEndPoint(Protocol, remote));
        }
    }

    /// <summary>Sends over the connection from <paramref name="remote"/>; false when it is gone (a WebSocket cannot be dialed back).</summary>
    public async ValueTask<bool> SendAsync(SipMessage message, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        if (!_connections.TryGetValue(remote, out var connection))
        {
            SipTransportLog.SendFailed(_logger, Protocol + ":" + remote, "no WebSocket connection from that peer");
            return false;
        }
        if (await connection.SendAsync(message, cancellationToken)) return true;
        SipTransportLog.SendFailed(_logger, Protocol + ":" + remote, "WebSocket send failed");
        return false;
    }

    private int _disposed;

    /// <summary>Closes every connection; idempotent (the stack and the container may both dispose it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        foreach (var c in _connections.Values) await c.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "shutting down");
        if (_ownsGuard) _guard.Dispose();
        _stop.Dispose();
    }
}
