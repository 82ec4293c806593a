using System.Net;
using System.Net.Sockets;

namespace Gateway.Media.Net;

/// <summary>
/// Hands out bound UDP sockets from an inclusive port range. Every port is bind-tested (another process may hold it);
/// a port returns to the pool when its <see cref="UdpMediaSocket"/> is disposed. RTP/RTCP pairs take an even port and
/// the next odd one (RFC 3550 §11). A range of 0..0 binds ephemeral ports (tests). Allocation takes a lock; packets never do.
/// </summary>
internal sealed class MediaPortAllocator
{
    private readonly IPAddress _address;
    private readonly int _min, _max;
    private readonly bool[] _inUse;
    private readonly Lock _lock = new();
    private int _next, _nextPair;
    private int _allocated;

    public MediaPortAllocator(IPAddress address, int min, int max)
    {
        if (min == 0 && max == 0) { _address = address; _inUse = []; return; }
        if (min < 1 || max > 65535 || min > max) throw new ArgumentOutOfRangeException(nameof(min), $"bad media port range {min}-{max}");
        _address = address;
        _min = min;
        _max = max;
        _inUse = new bool[max - min + 1];
    }

    private bool Ephemeral => _inUse.Length == 0;

    /// <summary>Ports currently handed out (sockets not yet disposed).</summary>
    public int Allocated => Volatile.Read(ref _allocated);

    /// <summary>One socket, or null when the range is exhausted.</summary>
    public UdpMediaSocket? AllocateOne()
    {
        if (Ephemeral) return Wrap(UdpMediaSocket.TryBind(new IPEndPoint(_address, 0)));
        lock (_lock)
        {
            // First pass: ports whose RTP/RTCP partner is taken, so single ports do not break up free pairs.
            for (int pass = 0; pass < 2; pass++)
            for (int tried = 0; tried < _inUse.Length; tried++)
            {
                int index = (_next + tried) % _inUse.Length;
                if (_inUse[index] || (pass == 0 && PartnerFree(index))) continue;
                var socket = UdpMediaSocket.TryBind(new IPEndPoint(_address, _min + index));
                if (socket is null) continue;
                _inUse[index] = true;
                _next = (index + 1) % _inUse.Length;
                return Wrap(socket);
            }
        }
        return null;
    }

    private bool PartnerFree(int index)
    {
        int port = _min + index;
        int partner = (port % 2 == 0 ? port + 1 : port - 1) - _min;
        return partner >= 0 && partner < _inUse.Length && !_inUse[partner];
    }

    /// <summary>An even RTP port and the odd RTCP port above it, or null when no pair is free.</summary>
    public (UdpMediaSocket Rtp, UdpMediaSocket Rtcp)? AllocatePair()
    {
        if (Ephemeral) return AllocateEphemeralPair();
        lock (_lock)
        {
            int first = _min % 2 == 0 ? _min : _min + 1;
            int pairs = (_max - first + 1) / 2;
            for (int tried = 0; tried < pairs; tried++)
            {
                int pair = (_nextPair + tried) % pairs;
                int port = first + 2 * pair;
                int index = port - _min;
                if (_inUse[index] || _inUse[index + 1]) continue;
                var rtp = UdpMediaSocket.TryBind(new IPEndPoint(_address, port));
                if (rtp is null) continue;
                var rtcp = UdpMediaSocket.TryBind(new IPEndPoint(_address, port + 1));
                if (rtcp is null) { rtp.Dispose(); continue; }
                _inUse[index] = _inUse[index + 1] = true;
                _nextPair = (pair + 1) % pairs;
                return (Wrap(rtp)!, Wrap(rtcp)!);
            }
        }
        return null;
    }

    private (UdpMediaSocket, UdpMediaSocket)? AllocateEphemeralPair()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var rtp = UdpMediaSocket.TryBind(new IPEndPoint(_address, 0));
            if (rtp is null) return null;
            int port = ((IPEndPoint)rtp.LocalEndPoint!).Port;
            var rtcp = port % 2 == 0 && port < 65535 ? UdpMediaSocket.TryBind(new IPEndPoint(_address, port + 1)) : null;
            if (rtcp is null) { rtp.Dispose(); continue; }
            return (Wrap(rtp)!, Wrap(rtcp)!);
        }
        return null;
    }

    private UdpMediaSocket? Wrap(Socket? socket)
    {
        if (socket is null) return null;
        Interlocked.Increment(ref _allocated);
        return new UdpMediaSocket(socket, Release);
    }

    private void Release(int port)
    {
        Interlocked.Decrement(ref _allocated);
        if (Ephemeral) return;
        lock (_lock) _inUse[port - _min] = false;
    }
}
