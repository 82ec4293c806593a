using System.Net;
using System.Net.Sockets;

namespace Gateway.Load;

/// <summary>How one call's datagrams go out and come back: its own socket, or the run's shared socket.</summary>
public interface ILegTransport : IDisposable
{
    /// <summary>The local port written in the call's SDP candidate.</summary>
    int LocalPort { get; }

    /// <summary>From now on datagrams from <paramref name="remote"/> go to <paramref name="leg"/>; throws <see cref="MediaSetupException"/> if it cannot.</summary>
    void Connect(IPEndPoint remote, MediaLeg leg);

    /// <summary>Sends to the connected remote; never throws (a failed send is a lost packet).</summary>
    void Send(ReadOnlySpan<byte> datagram);
}

/// <summary>A UDP socket per call, connected to the gateway's candidate, with an async receive loop (no allocation per receive).</summary>
public sealed class PerCallTransport : ILegTransport
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _buffer = new byte[1500];
    private readonly CancellationTokenSource _stop = new();

    public PerCallTransport()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        LocalPort = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int LocalPort { get; }

    public void Connect(IPEndPoint remote, MediaLeg leg)
    {
        _socket.Connect(remote);
        _ = Task.Run(() => ReceiveLoopAsync(leg), CancellationToken.None);
    }

    private async Task ReceiveLoopAsync(MediaLeg leg)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, token).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused) { continue; }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            leg.OnDatagram(_buffer.AsSpan(0, n));
        }
    }

    public void Send(ReadOnlySpan<byte> datagram)
    {
        try { _socket.Send(datagram); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}

/// <summary>
/// One UDP socket for every call of the run, read by one dedicated thread with blocking receives: far fewer
/// wake-ups and syscalls than a socket per call, which leaves the shared CPU to the gateway. Received datagrams
/// are routed by the sender's port (the gateway gives each call its own media port). Not usable when the
/// gateway shares one web port between calls (Media:SharedWebPort): use per-call sockets then.
/// </summary>
public sealed class SharedUdpSocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Route?[] _routes = new Route?[65536];
    private readonly Thread _thread;
    private volatile bool _stopped;

    public SharedUdpSocket()
    {
        _socket.ReceiveBufferSize = 4 << 20; // every call's packets: ride out scheduling stalls
        _socket.SendBufferSize = 4 << 20;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        LocalPort = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = "load-media-receive" };
        _thread.Start();
    }

    public int LocalPort { get; }

    public ILegTransport CreateTransport() => new Transport(this);

    private sealed record Route(SocketAddress Remote, MediaLeg Leg);

    private void ReceiveLoop()
    {
        var buffer = new byte[1500];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (!_stopped)
        {
            int n;
            try
            {
                n = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused) { continue; }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            if (Volatile.Read(ref _routes[PortOf(from)]) is not { } route || !route.Remote.Equals(from)) continue;
            try { route.Leg.OnDatagram(buffer.AsSpan(0, n)); }
            catch (ObjectDisposedException) { /* the call ended while its packet was in hand */ }
        }
    }

    /// <summary>The port of a sockaddr_in: bytes 2..3, network order (the layout SocketAddress keeps).</summary>
    public static int PortOf(SocketAddress address) => (address[2] << 8) | address[3];

    public void Dispose()
    {
        _stopped = true;
        _socket.Dispose();
        _thread.Join(TimeSpan.FromSeconds(2));
    }

    private sealed class Transport(SharedUdpSocket owner) : ILegTransport
    {
        private SocketAddress? _remote;
        private Route? _route;
        private int _port = -1;

        public int LocalPort => owner.LocalPort;

        public void Connect(IPEndPoint remote, MediaLeg leg)
        {
            var address = remote.Serialize();
            var port = PortOf(address);
            if (port != remote.Port) throw new MediaSetupException("ice", "unexpected socket address layout; use --socket per-call");
            var route = new Route(address, leg);
            // A call hanging up may still hold the port the gateway just gave to a new call: the new call takes it over.
            // Two calls that both still send on one gateway port mean the gateway shares its web port.
            var previous = Interlocked.Exchange(ref owner._routes[port], route);
            if (previous is not null && previous.Leg.Sending)
            {
                Interlocked.CompareExchange(ref owner._routes[port], previous, route);
                throw new MediaSetupException("ice", $"gateway port {port} is in use by another live call (Media:SharedWebPort?); use --socket per-call");
            }
            _route = route;
            _remote = address;
            _port = port;
        }

        public void Send(ReadOnlySpan<byte> datagram)
        {
            if (_remote is null) return;
            try { owner._socket.SendTo(datagram, SocketFlags.None, _remote); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        }

        public void Dispose()
        {
            if (_port >= 0) Interlocked.CompareExchange(ref owner._routes[_port], null, _route); // only if not taken over
            _port = -1;
        }
    }
}
