using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Gateway.Sip.Messages;
using Gateway.Sip.Protection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Sip.Transport;

/// <summary>
/// SIP over UDP (RFC 3261 §18): one datagram is one message; IPv4 or IPv6 by the bound address. Each datagram passes the
/// per-source packet limit before it is parsed; malformed ones are counted, not logged one by one; a failure of the
/// receive loop restarts it (<see cref="ReceiveLoopRunner"/>).
/// </summary>
public sealed class UdpSipTransport : ISipTransport
{
    private readonly Socket _socket;
    private readonly SipTransportOptions _options;
    private readonly ILogger _logger;
    private readonly SipInboundGuard _guard;
    private readonly bool _ownsGuard;
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiveLoop;

    public UdpSipTransport(IPEndPoint bind, SipTransportOptions? options = null, ILogger? logger = null, SipInboundGuard? guard = null)
    {
        _options = options ?? new SipTransportOptions();
        _logger = logger ?? NullLogger.Instance;
        _ownsGuard = guard is null;
        _guard = guard ?? SipInboundGuard.Unlimited(_logger);
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(bind);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        if (_options.UdpReceiveBufferBytes > 0)
            SipTransportLog.ReceiveBuffer(_logger, LocalEndPoint, UdpReceiveBuffer.Apply(_socket, _options.UdpReceiveBufferBytes), _options.UdpReceiveBufferBytes);
    }

    public SipTransportProtocol Protocol => SipTransportProtocol.Udp;
    public bool IsReliable => false;
    public IPEndPoint LocalEndPoint { get; }

    public void Start(Action<SipInbound> onMessage)
    {
        SipTransportLog.Listening(_logger, Protocol, LocalEndPoint);
        var runner = new ReceiveLoopRunner("udp " + LocalEndPoint, _guard.Health, _logger, _options.RestartDelay, _guard.Time);
        _receiveLoop = Task.Run(() => runner.RunAsync(() => ReceiveLoopAsync(onMessage, runner), _stop.Token));
    }

    private async Task ReceiveLoopAsync(Action<SipInbound> onMessage, ReceiveLoopRunner runner)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(65536);
        EndPoint any = LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                }
                catch (SocketException)
                {
                    continue; // ICMP port unreachable from an earlier send shows up here on some systems
                }
                runner.Alive();
                var source = (IPEndPoint)received.RemoteEndPoint;
                var datagram = buffer.AsSpan(0, received.ReceivedBytes);
                if (IsKeepAlive(datagram)) continue;
                if (!_guard.AdmitPacket(source)) continue;
                if (!SipMessageParser.TryParse(datagram, _options.MaxMessageSize, out var message, out var error))
                {
                    _guard.Drops.Dropped(SipDropReason.Malformed, source, error!.ToString());
                    continue;
                }
                onMessage(new SipInbound(message!, new SipEndPoint(Protocol, source), this));
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (ObjectDisposedException) when (_stop.IsCancellationRequested) { }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>CRLF keep-alives (RFC 5626 §4.4.1 uses STUN over UDP; bare CRLF is tolerated too).</summary>
    private static bool IsKeepAlive(ReadOnlySpan<byte> datagram) => datagram.TrimStart("\r\n"u8).IsEmpty;

    public async ValueTask<bool> SendAsync(SipMessage message, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        try
        {
            await _socket.SendToAsync(message.ToArray(), SocketFlags.None, remote, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            SipTransportLog.SendFailed(_logger, remote.ToString(), e.Message);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        if (_receiveLoop is not null) await _receiveLoop;
        _stop.Dispose();
        if (_ownsGuard) _guard.Dispose();
    }
}
