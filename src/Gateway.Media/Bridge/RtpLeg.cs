using System.Buffers.Binary;
using System.Net;
using Gateway.Media.Net;
using Gateway.Media.Rtcp;
using Gateway.Media.Srtp;

namespace Gateway.Media.Bridge;

/// <summary>
/// The trunk side of a session: RTP on an even port and RTCP on the odd port above it (RFC 3550 §11), plain or, with SDES
/// keys (RFC 4568), SRTP and SRTCP (<see cref="SipLegSrtp"/>: a packet that does not authenticate is dropped before it
/// can latch).
/// Symmetric RTP (RFC 4961) with latching: we send to the SDP address until the first RTP packet arrives, then to
/// the source of that packet (a NAT'd trunk), and from then on only that source is accepted, until the next
/// <see cref="Configure"/> (re-INVITE). RTCP goes to the RTP address's port + 1, or to wherever the peer's RTCP
/// comes from once it has sent some; RTCP multiplexed on the RTP port is accepted too.
/// </summary>
internal sealed class RtpLeg
{
    private readonly IRtpLegOwner _owner;
    private readonly TimeProvider _time;
    private const int RtcpReportSize = 256;
    private readonly byte[] _rtcpBuffer = new byte[RtcpReportSize + 32];
    private readonly byte[] _otherBuffer = new byte[1500];
    private SocketAddress? _remoteRtp, _remoteRtcp;
    private volatile SipLegSrtp? _srtp;
    private bool _latched, _rtcpLatched;

    public RtpLeg(IRtpLegOwner owner, UdpMediaSocket rtp, UdpMediaSocket rtcp, TimeProvider time)
    {
        _owner = owner;
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
    /// <summary>RTCP is the far end's, not ours: each valid RTCP packet goes to the owner (<see cref="IRtpLegOwner.OnLegRtcp"/>)
    /// and this leg sends no reports of its own (an RTP-to-RTP relay that leaves SSRCs and numbering untouched).</summary>
    public bool RelaysRtcp { get; init; }
    public bool IsConfigured => Volatile.Read(ref _remoteRtp) is not null;
    internal SocketAddress? RemoteRtp => Volatile.Read(ref _remoteRtp);

    /// <summary>The SRTP of this leg, null for plain RTP.</summary>
    internal SipLegSrtp? Srtp => _srtp;

    /// <summary>The SDP address (c=/m=) to send to, and the SDES keys (null: plain RTP); latching starts over.
    /// The same keys again (a re-INVITE that keeps them) keep the SRTP state (RFC 4568 §7.1.4: new keys mean a new context).</summary>
    public void Configure(IPEndPoint remote, SdesSrtpKeys? keys = null)
    {
        if (keys is null) _srtp = null;
        else if (_srtp is not { } current || !SameKeys(current.Keys, keys)) _srtp = new SipLegSrtp(keys);
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
        if (_srtp is { } srtp)
        {
            if (srtp.UnprotectRtp(packet, out length) != SrtpError.None) { Counters.Dropped++; return; }
            packet = buffer[..length];
        }
        if (!remote.Equals(from))
        {
            if (_latched) { Counters.Dropped++; return; } // not the latched source
            Volatile.Write(ref _remoteRtp, from.Copy());
            if (!_rtcpLatched) Volatile.Write(ref _remoteRtcp, RtcpOf(from));
        }
        _latched = true;
        long now = _time.GetTimestamp();
        Counters.OnRtpIn(packet, now, _time.GetElapsedTime(_owner.Epoch, now));
        _owner.OnLegRtp(this, buffer, length);
    }

    public void OnRtcpDatagram(Span<byte> buffer, int length, SocketAddress from)
    {
        if (!IsConfigured) { Counters.Dropped++; return; }
        if (_srtp is { } srtp && srtp.UnprotectRtcp(buffer[..length], out length) != SrtpError.None) { Counters.Dropped++; return; }
        if (!Rtcp.OnRtcp(buffer[..length])) { Counters.Dropped++; return; }
        Counters.RtcpIn++;
        var rtcp = Volatile.Read(ref _remoteRtcp);
        if (!_rtcpLatched || rtcp is null || !rtcp.Equals(from))
        {
            if (_rtcpLatched) return;
            Volatile.Write(ref _remoteRtcp, from.Copy());
            _rtcpLatched = true;
        }
        if (RelaysRtcp) _owner.OnLegRtcp(this, buffer, length);
    }

    /// <summary>Sends relayed RTCP in buffer[..length] to the peer's RTCP address (SRTCP-protected in place when keyed:
    /// the buffer must have room for the index and tag after it).</summary>
    public bool SendRtcp(Span<byte> buffer, int length)
    {
        var to = Volatile.Read(ref _remoteRtcp);
        if (to is null) return false;
        if (_srtp is { } srtp && srtp.ProtectRtcp(buffer, length, out length) != SrtpError.None) return false;
        return RtcpSocket.SendTo(buffer[..length], to);
    }

    private static SocketAddress RtcpOf(SocketAddress rtp)
    {
        var ep = rtp.ToIPEndPoint();
        return new IPEndPoint(ep.Address, ep.Port == 65535 ? ep.Port : ep.Port + 1).Serialize();
    }

    /// <summary>
    /// Sends relayed RTP in buffer[..length] (one sending thread: the web loop) and our RTCP report when due. With SRTP the
    /// packet is protected in place: the buffer must have room for the tag after it.
    /// </summary>
    public bool Send(Span<byte> buffer, int length)
    {
        var to = Volatile.Read(ref _remoteRtp);
        if (to is null) return false;
        var timestamp = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        var rtpLength = length;
        if (_srtp is { } srtp && srtp.ProtectRtp(buffer, length, out length) != SrtpError.None) return false;
        if (!RtpSocket.SendTo(buffer[..length], to)) return false;
        Counters.LastRtpTimestampOut = timestamp;
        Counters.OnOut(rtpLength);
        if (!RelaysRtcp && Rtcp.TakeDue(_time.GetTimestamp()))
        {
            int n = Rtcp.Write(_rtcpBuffer.AsSpan(0, RtcpReportSize), LocalSsrc, Counters);
            var rtcpTo = Volatile.Read(ref _remoteRtcp);
            if (n > 0 && _srtp is { } rtcpSrtp && rtcpSrtp.ProtectRtcp(_rtcpBuffer, n, out n) != SrtpError.None) n = 0;
            if (n > 0 && rtcpTo is not null) RtcpSocket.SendTo(_rtcpBuffer.AsSpan(0, n), rtcpTo);
        }
        return true;
    }

    /// <summary>Sends a packet that is not relayed audio (DTMF from the API); no report piggybacking.</summary>
    public bool SendOther(ReadOnlySpan<byte> rtp)
    {
        var to = Volatile.Read(ref _remoteRtp);
        if (to is null) return false;
        if (_srtp is { } srtp)
        {
            lock (_otherBuffer)
            {
                if (rtp.Length + srtp.Overhead > _otherBuffer.Length) return false;
                rtp.CopyTo(_otherBuffer);
                if (srtp.ProtectRtp(_otherBuffer, rtp.Length, out var n) != SrtpError.None || !RtpSocket.SendTo(_otherBuffer.AsSpan(0, n), to)) return false;
            }
        }
        else if (!RtpSocket.SendTo(rtp, to)) return false;
        Counters.OnOut(rtp.Length);
        return true;
    }

    private static bool SameKeys(SdesSrtpKeys a, SdesSrtpKeys b) =>
        a.Profile == b.Profile && a.SendKeySalt.AsSpan().SequenceEqual(b.SendKeySalt) && a.ReceiveKeySalt.AsSpan().SequenceEqual(b.ReceiveKeySalt);

    internal void DisposeSrtp() => _srtp?.Dispose();
}
