using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Gateway.Sip.Messages;
using Gateway.Sip.Protection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Sip.Transport;

/// <summary>
/// SIP over TCP, or over TLS when server options are given (RFC 3261 §18, §26.2): accepts connections up to a global and a
/// per-source limit (counted from accept, so TLS handshakes in progress count too), opens outbound ones on demand, and
/// reuses a connection to the same peer for requests and responses (§18.2.2): one connection per destination, opened once
/// however many requests race for it, and opened again on the next request after it dropped. Outbound TLS verifies the
/// peer's certificate (<see cref="SipTlsClient"/>) for the host and CA its <see cref="SipTlsPeerResolver"/> names; a
/// transport made by <see cref="TlsClientOnly"/> has no server certificate and refuses inbound connections. Each framed message passes the per-source
/// packet limit; a blocked source's connection is closed. A failing accept loop restarts (<see cref="ReceiveLoopRunner"/>).
/// </summary>
public sealed class TcpSipTransport : ISipTransport
{
    public event Action<SipEndPoint>? ConnectionClosed;

    private readonly TcpListener _listener;
    private readonly SipTransportOptions _options;
    private readonly SslServerAuthenticationOptions? _tlsServer;
    private readonly SslClientAuthenticationOptions? _tlsClient;
    private readonly SipTlsPeerResolver? _tlsPeers;
    private readonly bool _tls;
    private readonly ConcurrentDictionary<IPEndPoint, Lazy<Task<StreamSipConnection?>>> _connecting = new();
    private readonly ILogger _logger;
    private readonly SipInboundGuard _guard;
    private readonly bool _ownsGuard;
    private readonly ConcurrentDictionary<IPEndPoint, StreamSipConnection> _connections = new();
    private readonly SourceConnectionCounter _perSource = new();
    private readonly CancellationTokenSource _stop = new();
    private int _open;
    private Action<SipInbound>? _onMessage;
    private Task? _acceptLoop;

    public TcpSipTransport(IPEndPoint bind, SipTransportOptions? options = null, ILogger? logger = null,
        SslServerAuthenticationOptions? tlsServer = null, SslClientAuthenticationOptions? tlsClient = null, SipInboundGuard? guard = null,
        SipTlsPeerResolver? tlsPeers = null)
        : this(bind, options, logger, tlsServer, tlsClient, guard, tlsPeers, tls: tlsServer is not null)
    {
    }

    /// <summary>
    /// SIP over TLS toward trunks only (no server certificate configured): connects out and verifies each peer as
    /// <paramref name="tlsPeers"/> says; accepted connections are closed at once (there is no certificate to present).
    /// </summary>
    public static TcpSipTransport TlsClientOnly(IPEndPoint bind, SipTransportOptions? options = null, ILogger? logger = null,
        SipTlsPeerResolver? tlsPeers = null, SipInboundGuard? guard = null) =>
        new(bind, options, logger, null, null, guard, tlsPeers, tls: true);

    private TcpSipTransport(IPEndPoint bind, SipTransportOptions? options, ILogger? logger, SslServerAuthenticationOptions? tlsServer,
        SslClientAuthenticationOptions? tlsClient, SipInboundGuard? guard, SipTlsPeerResolver? tlsPeers, bool tls)
    {
        _tls = tls;
        _tlsPeers = tlsPeers;
        _options = options ?? new SipTransportOptions();
        _logger = logger ?? NullLogger.Instance;
        _ownsGuard = guard is null;
        _guard = guard ?? SipInboundGuard.Unlimited(_logger);
        _tlsServer = tlsServer;
        _tlsClient = tlsClient;
        _listener = new TcpListener(bind);
        _listener.Start();
        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
    }

    public SipTransportProtocol Protocol => _tls ? SipTransportProtocol.Tls : SipTransportProtocol.Tcp;
    public bool IsReliable => true;
    public IPEndPoint LocalEndPoint { get; }
    /// <summary>Open connections, inbound (including TLS handshakes in progress) and outbound.</summary>
    public int ConnectionCount => Volatile.Read(ref _open);

    public void Start(Action<SipInbound> onMessage)
    {
        _onMessage = onMessage;
        SipTransportLog.Listening(_logger, Protocol, LocalEndPoint);
        var runner = new ReceiveLoopRunner(Protocol.ToString().ToLowerInvariant() + " " + LocalEndPoint, _guard.Health, _logger, _options.RestartDelay, _guard.Time);
        _acceptLoop = Task.Run(() => runner.RunAsync(() => AcceptLoopAsync(runner), _stop.Token));
    }

    private async Task AcceptLoopAsync(ReceiveLoopRunner runner)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                runner.Alive();
                Admit(socket);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && _stop.IsCancellationRequested) { }
    }

    private void Admit(Socket socket)
    {
        if (socket.RemoteEndPoint is not IPEndPoint remote || (_tls && _tlsServer is null))
        {
            socket.Dispose();
            return;
        }
        if (Interlocked.Increment(ref _open) > _options.MaxConnections)
        {
            Interlocked.Decrement(ref _open);
            _guard.Drops.Dropped(SipDropReason.Connections, remote, $"{Protocol} connection limit {_options.MaxConnections}");
            socket.Dispose();
            return;
        }
        if (!_perSource.TryAdd(remote.Address, _options.MaxConnectionsPerSource))
        {
            Interlocked.Decrement(ref _open);
            _guard.Drops.Dropped(SipDropReason.SourceConnections, remote, $"{Protocol} per-source connection limit {_options.MaxConnectionsPerSource}");
            socket.Dispose();
            return;
        }
        _ = Task.Run(() => ServeAcceptedAsync(socket, remote));
    }

    private async Task ServeAcceptedAsync(Socket socket, IPEndPoint remote)
    {
        try
        {
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (_tlsServer is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                try
                {
                    using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    handshake.CancelAfter(_options.ConnectTimeout);
                    await tls.AuthenticateAsServerAsync(_tlsServer, handshake.Token);
                    stream = tls;
                }
                catch (Exception e)
                {
                    SipTransportLog.ConnectionClosed(_logger, Protocol, remote, "TLS handshake failed: " + e.Message);
                    await tls.DisposeAsync();
                    return;
                }
            }
            await ServeAsync(new StreamSipConnection(stream, remote, _options, accepted: true));
        }
        catch (Exception e)
        {
            SipTransportLog.ConnectionClosed(_logger, Protocol, remote, e.GetType().Name + ": " + e.Message);
            socket.Dispose();
        }
        finally
        {
            _perSource.Remove(remote.Address);
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task ServeAsync(StreamSipConnection connection)
    {
        _connections[connection.Remote] = connection;
        var source = new SipEndPoint(Protocol, connection.Remote);
        var (reason, detail) = await connection.ReceiveAsync(
            m =>
            {
                if (!_guard.AdmitPacket(connection.Remote)) return false;
                _onMessage?.Invoke(new SipInbound(m, source, this));
                return true;
            },
            e => _guard.Drops.Dropped(SipDropReason.Malformed, source, e.ToString()),
            _stop.Token);
        _connections.TryRemove(new KeyValuePair<IPEndPoint, StreamSipConnection>(connection.Remote, connection));
        if (reason == StreamCloseReason.FirstMessageTimeout) _guard.Drops.Dropped(SipDropReason.SilentConnection, source);
        SipTransportLog.ConnectionClosed(_logger, Protocol, connection.Remote, detail is null ? reason.ToString() : reason + ": " + detail);
        await connection.DisposeAsync();
        // The peer closed or reset it: a flow lost (our own closes, idle or refused, are not failures of the flow).
        if (reason is StreamCloseReason.ClosedByPeer or StreamCloseReason.ReadError) ConnectionClosed?.Invoke(source);
    }

    public async ValueTask<bool> SendAsync(SipMessage message, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        if (_connections.TryGetValue(remote, out var existing))
        {
            if (await existing.SendAsync(message, cancellationToken)) return true;
            // The connection died unnoticed (a reset without a FIN): drop it and send once on a new one.
            if (existing.Accepted || !_connections.TryRemove(new KeyValuePair<IPEndPoint, StreamSipConnection>(remote, existing))) return false;
            await existing.DisposeAsync();
        }
        var connection = await ConnectOnceAsync(remote, cancellationToken);
        if (connection is null) return false;
        if (await connection.SendAsync(message, cancellationToken)) return true;
        SipTransportLog.SendFailed(_logger, remote.ToString(), "connection write failed");
        return false;
    }

    /// <summary>One connect per destination however many senders race for it; each sender waits for it within its own token.</summary>
    private async Task<StreamSipConnection?> ConnectOnceAsync(IPEndPoint remote, CancellationToken cancellationToken)
    {
        var pending = _connecting.GetOrAdd(remote, r => new Lazy<Task<StreamSipConnection?>>(() => ConnectAsync(r)));
        try
        {
            return await pending.Value.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<StreamSipConnection?> ConnectAsync(IPEndPoint remote)
    {
        try
        {
            return _connections.TryGetValue(remote, out var open) ? open : await OpenAsync(remote);
        }
        finally
        {
            _connecting.TryRemove(remote, out _); // the next send after a failure or a drop connects again
        }
    }

    private async Task<StreamSipConnection?> OpenAsync(IPEndPoint remote)
    {
        if (Interlocked.Increment(ref _open) > _options.MaxConnections)
        {
            Interlocked.Decrement(ref _open);
            SipTransportLog.SendFailed(_logger, remote.ToString(), $"connection limit {_options.MaxConnections} reached");
            return null;
        }
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // The connect timeout bounds the TCP connect, the peer lookup and the TLS handshake together.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(_options.ConnectTimeout);
            await socket.ConnectAsync(remote, timeout.Token);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (_tls && _tlsClient is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(_tlsClient, timeout.Token);
                stream = tls;
            }
            else if (_tls)
            {
                var peer = (_tlsPeers is null ? null : await _tlsPeers(remote, timeout.Token)) ?? SipTlsPeer.ForAddress(remote);
                stream = await SipTlsClient.AuthenticateAsync(stream, peer, remote, _logger, timeout.Token);
            }
            var connection = new StreamSipConnection(stream, remote, _options, accepted: false);
            _connections[remote] = connection;
            _ = Task.Run(async () =>
            {
                try { await ServeAsync(connection); }
                finally { Interlocked.Decrement(ref _open); }
            });
            return connection;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException
            or ArgumentException or InvalidOperationException)
        {
            Interlocked.Decrement(ref _open);
            SipTransportLog.SendFailed(_logger, remote.ToString(), e.Message);
            socket.Dispose();
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var c in _connections.Values) await c.DisposeAsync();
        if (_acceptLoop is not null) await _acceptLoop;
        _stop.Dispose();
        if (_ownsGuard) _guard.Dispose();
    }
}
