using System.Buffers.Binary;
using System.Net;
using Gateway.Media.Net;
using Gateway.Media.Rtcp;

namespace Gateway.Media.Bridge;

/// <summary>
/// The trunk side of a session: plain RTP on an even port and RTCP on the odd port above it (RFC 3550 §11).
/// Symmetric RTP (RFC 4961) with latching: we send to the SDP address until the first RTP packet arrives, then to
/// the source of that packet (a NAT'd trunk), and from then on only that source is accepted, until the next
/// <see cref="Configure"/> (re-INVITE). RTCP goes to the RTP address's port + 1, or to wherever the peer's RTCP
/// comes from once it has sent some; RTCP multiplexed on the RTP port is accepted too.
/// </summary>
internal sealed class RtpLeg
{
    private readonly MediaSession _session;
    private readonly TimeProvider _time;
    private readonly byte[] _rtcpBuffer = new byte[256];
    private SocketAddress? _remoteRtp, _remoteRtcp;
    private bool _latched, _rtcpLatched;

    public RtpLeg(MediaSession session, UdpMediaSocket rtp, UdpMediaSocket rtcp, TimeProvider time)
    {
        _session = session;
        _time = time;
        RtpSocket = rtp;
        RtcpSocket = rtcp;
        Rtcp = new RtcpReporter(time, "gw-sip-" + rtp.Port);
    }

    public UdpMediaSocket RtpSocket { get; }
    public UdpMediaSocket RtcpSocket { get; }
    public LegCounters Counters { get; } = new(8000);
    public RtcpReporter Rtcp { get; }
    public uint LocalSsrc { get; init; }
    public bool IsConfigured => Volatile.Read(ref _remoteRtp) is not null;
    internal SocketAddress? RemoteRtp => Volatile.Read(ref _remoteRtp);

    /// <summary>The SDP address (c=/m=) to send to; latching starts over.</summary>
    public void Configure(IPEndPoint remote)
    {
        Volatile.Write(ref _remoteRtcp, new IPEndPoint(remote.Address, remote.Port + 1).Serialize());
        _rtcpLatched = false;
        _latched = false;
        Volatile.Write(ref _remoteRtp, remote.Serialize());
    }

    public void OnRtpDatagram(Span<byte> buffer, int length, SocketAddress from)
    {
        var packet = buffer[..length];
        if (RtcpMuxClassifier.IsRtcp(packet)) { OnRtcpDatagram(buffer, length, from); return; }
        var remote = Volatile.Read(ref _remoteRtp);
        if (remote is null || !RtcpMuxClassifier.IsRtp(packet)) { Counters.Dropped++; return; }
        if (!remote.Equals(from))
        {
            if (_latched) { Counters.Dropped++; return; } // not the latched source
            Volatile.Write(ref _remoteRtp, from.Copy());
            if (!_rtcpLatched) Volatile.Write(ref _remoteRtcp, RtcpOf(from));
        }
        _latched = true;
        long now = _time.GetTimestamp();
        Counters.OnRtpIn(packet, now, _time.GetElapsedTime(_session.Epoch, now));
        _session.OnSipRtp(buffer, length);
    }

    public void OnRtcpDatagram(Span<byte> buffer, int length, SocketAddress from)
    {
        if (!IsConfigured || !Rtcp.OnRtcp(buffer[..length])) { Counters.Dropped++; return; }
        Counters.RtcpIn++;
        var rtcp = Volatile.Read(ref _remoteRtcp);
        if (!_rtcpLatched || rtcp is null || !rtcp.Equals(from))
        {
            if (_rtcpLatched) return;
            Volatile.Write(ref _remoteRtcp, from.Copy());
            _rtcpLatched = true;
        }
    }

    private static SocketAddress RtcpOf(SocketAddress rtp)
    {
        var ep = rtp.ToIPEndPoint();
        return new IPEndPoint(ep.Address, ep.Port == 65535 ? ep.Port : ep.Port + 1).Serialize();
    }

    /// <summary>Sends relayed RTP (one sending thread: the web loop) and our RTCP report when due.</summary>
    public bool Send(ReadOnlySpan<byte> rtp)
    {
        var to = Volatile.Read(ref _remoteRtp);
        if (to is null || !RtpSocket.SendTo(rtp, to)) return false;
        Counters.LastRtpTimestampOut = BinaryPrimitives.ReadUInt32BigEndian(rtp[4..]);
        Counters.OnOut(rtp.Length);
        if (Rtcp.TakeDue(_time.GetTimestamp()))
        {
            int n = Rtcp.Write(_rtcpBuffer, LocalSsrc, Counters);
            var rtcpTo = Volatile.Read(ref _remoteRtcp);
            if (n > 0 && rtcpTo is not null) RtcpSocket.SendTo(_rtcpBuffer.AsSpan(0, n), rtcpTo);
        }
        return true;
    }

    /// <summary>Sends a packet that is not relayed audio (DTMF from the API); no report piggybacking.</summary>
    public bool SendOther(ReadOnlySpan<byte> rtp)
    {
        var to = Volatile.Read(ref _remoteRtp);
        if (to is null || !RtpSocket.SendTo(rtp, to)) return false;
        Counters.OnOut(rtp.Length);
        return true;
    }
}
