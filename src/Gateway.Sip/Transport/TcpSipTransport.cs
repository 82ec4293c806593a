using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Gateway.Sip.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Sip.Transport;

/// <summary>
/// SIP over TCP, or over TLS when server options are given (RFC 3261 §18, §26.2): accepts connections up to a
/// limit, opens outbound ones on demand, and reuses a connection to the same peer for requests and responses (§18.2.2).
/// </summary>
public sealed class TcpSipTransport : ISipTransport
{
    private readonly TcpListener _listener;
    private readonly SipTransportOptions _options;
    private readonly SslServerAuthenticationOptions? _tlsServer;
    private readonly SslClientAuthenticationOptions? _tlsClient;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<IPEndPoint, StreamSipConnection> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private Action<SipInbound>? _onMessage;
    private Task? _acceptLoop;

    public TcpSipTransport(IPEndPoint bind, SipTransportOptions? options = null, ILogger? logger = null,
        SslServerAuthenticationOptions? tlsServer = null, SslClientAuthenticationOptions? tlsClient = null)
    {
        _options = options ?? new SipTransportOptions();
        _logger = logger ?? NullLogger.Instance;
        _tlsServer = tlsServer;
        _tlsClient = tlsClient ?? (tlsServer is null ? null : new SslClientAuthenticationOptions());
        _listener = new TcpListener(bind);
        _listener.Start();
        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
    }

    public SipTransportProtocol Protocol => _tlsServer is null ? SipTransportProtocol.Tcp : SipTransportProtocol.Tls;
    public bool IsReliable => true;
    public IPEndPoint LocalEndPoint { get; }
    public int ConnectionCount => _connections.Count;

    public void Start(Action<SipInbound> onMessage)
    {
        _onMessage = onMessage;
        SipTransportLog.Listening(_logger, Protocol, LocalEndPoint);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                if (_connections.Count >= _options.MaxConnections)
                {
                    SipTransportLog.ConnectionLimit(_logger, Protocol, _options.MaxConnections, socket.RemoteEndPoint);
                    socket.Dispose();
                    continue;
                }
                _ = Task.Run(() => ServeAcceptedAsync(socket));
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        catch (SocketException) { }
    }

    private async Task ServeAcceptedAsync(Socket socket)
    {
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (_tlsServer is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                handshake.CancelAfter(_options.ConnectTimeout);
                await tls.AuthenticateAsServerAsync(_tlsServer, handshake.Token);
                stream = tls;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            SipTransportLog.ConnectionClosed(_logger, Protocol, remote, "TLS handshake failed: " + e.Message);
            await stream.DisposeAsync();
            return;
        }
        await ServeAsync(new StreamSipConnection(stream, remote, _options));
    }

    private async Task ServeAsync(StreamSipConnection connection)
    {
        _connections[connection.Remote] = connection;
        var source = new SipEndPoint(Protocol, connection.Remote);
        var reason = await connection.ReceiveAsync(
            m => _onMessage?.Invoke(new SipInbound(m, source, this)),
            e => SipTransportLog.Malformed(_logger, source.ToString(), e.ToString()),
            _stop.Token);
        _connections.TryRemove(new KeyValuePair<IPEndPoint, StreamSipConnection>(connection.Remote, connection));
        SipTransportLog.ConnectionClosed(_logger, Protocol, connection.Remote, reason);
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
            var connection = new StreamSipConnection(stream, remote, _options);
            _connections[remote] = connection;
            _ = Task.Run(() => ServeAsync(connection));
            return connection;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
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
    }
}
