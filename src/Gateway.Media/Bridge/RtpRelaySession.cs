using System.Net;
using Gateway.Media.Net;
using Gateway.Media.Srtp;
using Microsoft.Extensions.Logging;

namespace Gateway.Media.Bridge;

/// <summary>
/// Media anchored between two SIP peers (a registered phone and a trunk, or two phones): two <see cref="RtpLeg"/>s, each
/// with its own RTP/RTCP port pair, symmetric RTP with latching (RFC 4961) and optional SDES-SRTP (RFC 4568) per leg as
/// the SIP leg of a <see cref="MediaSession"/>. Each packet one leg receives is sent out of the other leg unchanged
/// (SSRC, sequence numbers and timestamps are the far end's: RFC 3550 §7.1 "translator" without translation), except for
/// an optional payload-type map for a dynamic type (telephone-event, RFC 4733) the two offers numbered differently.
/// RTCP is relayed too (SRTCP re-protected per leg), so the two ends' reports reach each other.
/// In place on the receive loop's buffer: no allocation, no lock per packet. Created by <see cref="MediaEngine.CreateRelay"/>;
/// dispose it when the call ends (frees its four ports).
/// </summary>
public sealed partial class RtpRelaySession : IAsyncDisposable, IRtpLegOwner
{
    private readonly MediaEngine _engine;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IPAddress _advertised;
    private readonly RtpLeg _a, _b;
    private readonly byte[] _mapAToB = IdentityMap(), _mapBToA = IdentityMap();
    private volatile bool _forwardAToB = true, _forwardBToA = true;
    private readonly long _epoch;
    private long _rtpClockStart;
    private int _ended, _disposed;

    internal RtpRelaySession(MediaEngine engine, (UdpMediaSocket Rtp, UdpMediaSocket Rtcp) a, (UdpMediaSocket Rtp, UdpMediaSocket Rtcp) b,
        IPAddress advertised, TimeProvider time, ILogger logger)
    {
        _engine = engine;
        _time = time;
        _logger = logger;
        _advertised = advertised;
        _epoch = time.GetTimestamp();
        _a = new RtpLeg(this, a.Rtp, a.Rtcp, time) { LocalSsrc = (uint)Random.Shared.Next() | 1u, RelaysRtcp = true };
        _b = new RtpLeg(this, b.Rtp, b.Rtcp, time) { LocalSsrc = (uint)Random.Shared.Next() | 2u, RelaysRtcp = true };
    }

    /// <summary>The gateway's RTP address and port on a leg: the c= and m= of the SDP toward that leg's peer.</summary>
    public IPEndPoint LocalEndPoint(RtpRelayLeg leg) => new(_advertised, Leg(leg).RtpSocket.Port);

    /// <summary>True once the leg's peer address is known (its SDP arrived).</summary>
    public bool IsConfigured(RtpRelayLeg leg) => Leg(leg).IsConfigured;

    /// <summary>Raised once when the media plane ends the relay on its own (<see cref="MediaEndReason.RtpTimeout"/>).</summary>
    public event Action<RtpRelaySession, MediaEndReason>? Ended;

    /// <summary>The leg's peer RTP address from its SDP (c=/m=; again on a re-INVITE) and its SDES keys (null: plain RTP);
    /// latching starts over on that leg. RTCP goes to port + 1 until the peer's RTCP is seen.</summary>
    public void ConfigureLeg(RtpRelayLeg leg, IPEndPoint remote, SdesSrtpKeys? keys = null)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Leg(leg).Configure(remote, keys);
        Interlocked.CompareExchange(ref _rtpClockStart, Math.Max(1, _time.GetTimestamp()), 0);
    }

    /// <summary>Payload type <paramref name="input"/> received on leg <paramref name="from"/> leaves the other leg as
    /// <paramref name="output"/> (e.g. telephone-event 101 from the phone is 96 toward the trunk). Unmapped types pass as they are.</summary>
    public void MapPayloadType(RtpRelayLeg from, int input, int output)
    {
        if ((uint)input > 127 || (uint)output > 127) throw new ArgumentOutOfRangeException(nameof(input), "payload types are 0-127");
        (from == RtpRelayLeg.A ? _mapAToB : _mapBToA)[input] = (byte)output;
    }

    /// <summary>Sets the RTP clock of a leg's codec for its jitter statistics (8000 unless told).</summary>
    public void SetClockRate(RtpRelayLeg leg, int clockRate) => Leg(leg).Counters.SetClockRate((uint)Math.Max(1, clockRate));

    /// <summary>Hold: stop (false) or resume (true) forwarding each way.</summary>
    public void SetForwarding(bool aToB, bool bToA)
    {
        _forwardAToB = aToB;
        _forwardBToA = bToA;
    }

    public RtpRelayStats Stats => new(RtpRelayStats.Of(_a.Counters), RtpRelayStats.Of(_b.Counters));

    long IRtpLegOwner.Epoch => _epoch;

    void IRtpLegOwner.OnLegRtp(RtpLeg leg, Span<byte> buffer, int length)
    {
        bool fromA = ReferenceEquals(leg, _a);
        if (!(fromA ? _forwardAToB : _forwardBToA)) return;
        var to = fromA ? _b : _a;
        var map = fromA ? _mapAToB : _mapBToA;
        buffer[1] = (byte)((buffer[1] & 0x80) | map[buffer[1] & 0x7F]); // RtpLeg passed only RTP (version 2, 12+ bytes)
        if (to.Send(buffer, length)) _engine.CountRelayed(length);
    }

    void IRtpLegOwner.OnLegRtcp(RtpLeg leg, Span<byte> buffer, int length)
    {
        bool fromA = ReferenceEquals(leg, _a);
        if (!(fromA ? _forwardAToB : _forwardBToA)) return;
        (fromA ? _b : _a).SendRtcp(buffer, length);
    }

    /// <summary>Once a second from the engine: no RTP from either leg for <see cref="MediaEngineOptions.RtpTimeout"/> ends it.</summary>
    internal void Housekeep(MediaEngineOptions options)
    {
        if (Volatile.Read(ref _ended) != 0 || Volatile.Read(ref _disposed) != 0) return;
        long start = Volatile.Read(ref _rtpClockStart);
        if (start == 0) return;
        // On hold the held side may legitimately send nothing (a=inactive): no RTP timeout.
        if (!_forwardAToB || !_forwardBToA) { Volatile.Write(ref _rtpClockStart, Math.Max(1, _time.GetTimestamp())); return; }
        long last = Math.Max(start, Math.Max(Volatile.Read(ref _a.Counters.LastRtpIn), Volatile.Read(ref _b.Counters.LastRtpIn)));
        if (_time.GetElapsedTime(last) <= options.RtpTimeout) return;
        if (Interlocked.Exchange(ref _ended, 1) != 0) return;
        Log.Ended(_logger, _a.RtpSocket.Port, _b.RtpSocket.Port, MediaEndReason.RtpTimeout);
        try { Ended?.Invoke(this, MediaEndReason.RtpTimeout); }
        catch (Exception e) { Log.HandlerFailed(_logger, e); }
    }

    /// <summary>Datagrams dropped on each leg (bad input, unknown sources, failed authentication).</summary>
    internal (long A, long B) Dropped => (Volatile.Read(ref _a.Counters.Dropped), Volatile.Read(ref _b.Counters.Dropped));

    internal RtpLeg Leg(RtpRelayLeg leg) => leg == RtpRelayLeg.A ? _a : _b;

    /// <summary>All four sockets on one media thread (batched), so each leg has one sending thread; or a loop each.</summary>
    internal void StartLoops(Net.Batched.MediaIoThread? io)
    {
        _a.RtpSocket.Start(_a.OnRtpDatagram, io);
        _a.RtcpSocket.Start(_a.OnRtcpDatagram, io);
        _b.RtpSocket.Start(_b.OnRtpDatagram, io);
        _b.RtcpSocket.Start(_b.OnRtcpDatagram, io);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _engine.Remove(this);
        _a.RtpSocket.Dispose();
        _a.RtcpSocket.Dispose();
        _b.RtpSocket.Dispose();
        _b.RtcpSocket.Dispose();
        await Task.WhenAll(_a.RtpSocket.Completion, _a.RtcpSocket.Completion, _b.RtpSocket.Completion, _b.RtcpSocket.Completion)
            .ConfigureAwait(false);
        _a.DisposeSrtp();
        _b.DisposeSrtp();
    }

    private static byte[] IdentityMap()
    {
        var map = new byte[128];
        for (int i = 0; i < map.Length; i++) map[i] = (byte)i;
        return map;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6280, Level = LogLevel.Information, Message = "rtp relay {PortA}/{PortB}: ended ({Reason})")]
        public static partial void Ended(ILogger logger, int portA, int portB, MediaEndReason reason);

        [LoggerMessage(EventId = 6281, Level = LogLevel.Error, Message = "rtp relay: an Ended handler threw")]
        public static partial void HandlerFailed(ILogger logger, Exception error);
    }
}
