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
/// reuses a connection to the same peer for requests and responses (§18.2.2). Each framed message passes the per-source
/// packet limit; a blocked source's connection is closed. A failing accept loop restarts (<see cref="ReceiveLoopRunner"/>).
/// </summary>
public sealed class TcpSipTransport : ISipTransport
{
    private readonly TcpListener _listener;
    private readonly SipTransportOptions _options;
    private readonly SslServerAuthenticationOptions? _tlsServer;
    private readonly SslClientAuthenticationOptions? _tlsClient;
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
        SslServerAuthenticationOptions? tlsServer = null, SslClientAuthenticationOptions? tlsClient = null, SipInboundGuard? guard = null)
    {
        _options = options ?? new SipTransportOptions();
        _logger = logger ?? NullLogger.Instance;
        _ownsGuard = guard is null;
        _guard = guard ?? SipInboundGuard.Unlimited(_logger);
        _tlsServer = tlsServer;
        _tlsClient = tlsClient ?? (tlsServer is null ? null : new SslClientAuthenticationOptions());
        _listener = new TcpListener(bind);
        _listener.Start();
        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
    }

    public SipTransportProtocol Protocol => _tlsServer is null ? SipTransportProtocol.Tcp : SipTransportProtocol.Tls;
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
        if (socket.RemoteEndPoint is not IPEndPoint remote)
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
    }

    public async ValueTask<bool> SendAsync(SipMessage message, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        var connection = _connections.TryGetValue(remote, out var existing) ? existing : await ConnectAsync(remote, cancellationToken);
        if (connection is null) return false;
        if (await connection.SendAsync(message, cancellationToken)) return true;
        SipTransportLog.SendFailed(_logger, remote.ToString(), "connection write failed");
        return false;
    }

    private async Task<StreamSipConnection?> ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken)
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
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
            timeout.CancelAfter(_options.ConnectTimeout);
            await socket.ConnectAsync(remote, timeout.Token);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (_tlsClient is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(_tlsClient, timeout.Token);
                stream = tls;
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
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
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
