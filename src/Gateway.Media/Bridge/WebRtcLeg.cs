using System.Buffers.Binary;
using System.Net;
using Gateway.Media.Demux;
using Gateway.Media.Dtls;
using Gateway.Media.Ice;
using Gateway.Media.Net;
using Gateway.Media.Rtcp;
using Gateway.Media.Srtp;
using Microsoft.Extensions.Logging;

namespace Gateway.Media.Bridge;

/// <summary>
/// The browser side of a session: ICE-lite, DTLS-SRTP and SRTP on one UDP port (own or shared). Datagrams are
/// demultiplexed by their first byte (RFC 7983 §7): STUN to the <see cref="IceLiteAgent"/>, DTLS to the
/// <see cref="DtlsSrtpTransport"/>, SRTP/SRTCP unprotected in place. Only addresses that passed an ICE check
/// (MESSAGE-INTEGRITY with our password) may send DTLS or media; media goes to the pair the browser nominated.
/// </summary>
internal sealed class WebRtcLeg
{
    private const int MaxValidated = 8;

    private readonly MediaSession _session;
    private readonly UdpMediaSocket _socket;
    private readonly DtlsCertificate _certificate;
    private readonly TimeProvider _time;
    private readonly Action<WebRtcLeg, SocketAddress>? _onValidated;
    private readonly DtlsSrtpOptions _dtlsOptions;
    private readonly ILogger? _dtlsLogger;
    private readonly byte[] _stunResponse = new byte[512];
    private readonly byte[] _rtcpBuffer = new byte[256];
    private readonly Lock _gate = new();
    private SocketAddress? _target;
    private SocketAddress[] _validated = [];
    private DtlsSrtpTransport? _dtls;
    private bool _dtlsStartPending;
    private byte[]? _earlyDtls;
    private SrtpContext? _inbound, _outbound;

    public WebRtcLeg(MediaSession session, UdpMediaSocket socket, DtlsCertificate certificate, TimeProvider time,
        Action<WebRtcLeg, SocketAddress>? onValidated, DtlsSrtpOptions dtlsOptions, ILogger? dtlsLogger)
    {
        _dtlsOptions = dtlsOptions;
        _dtlsLogger = dtlsLogger;
        _session = session;
        _socket = socket;
        _certificate = certificate;
        _time = time;
        _onValidated = onValidated;
        Agent = new IceLiteAgent(IceCredentials.Generate(), time);
        Rtcp = new RtcpReporter(time, "gw-" + Agent.LocalCredentials.Ufrag);
    }

    public IceLiteAgent Agent { get; }
    public LegCounters Counters { get; } = new(8000);
    public RtcpReporter Rtcp { get; }
    public UdpMediaSocket Socket => _socket;
    /// <summary>SSRC of what we send to the browser (relay, echo and playback use it).</summary>
    public uint LocalSsrc { get; init; }
    public bool IsConnected => Volatile.Read(ref _outbound) is not null;
    public bool IsConfigured => Volatile.Read(ref _dtls) is not null;
    public DtlsSrtpTransport? Dtls => _dtls;

    /// <summary>Handles one datagram from the browser's side (any thread that owns the receive loop).</summary>
    public void OnDatagram(Span<byte> buffer, int length, SocketAddress from)
    {
        if (length <= 0) { Counters.Dropped++; return; }
        // RFC 7983 §7 by the first byte: STUN, DTLS or (S)RTP/(S)RTCP; ZRTP, TURN channels and the rest are dropped.
        switch (MediaPacketClassifier.ClassifyFirstByte(buffer[0]))
        {
            case MediaPacketKind.Stun: OnStun(buffer[..length], from); break;
            case MediaPacketKind.Dtls: OnDtls(buffer[..length], from); break;
            case MediaPacketKind.Rtp: OnSrtp(buffer, length, from); break;
            default: Counters.Dropped++; break;
        }
    }

    private void OnStun(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        var remote = from.ToIPEndPoint(); // STUN is rare (one check per ~2.5 s): an IPEndPoint here is fine
        var result = Agent.HandleStun(datagram, remote, _stunResponse, out int n);
        if (n > 0) _socket.SendTo(_stunResponse.AsSpan(0, n), from);
        if (result is not (IceCheckResult.Success or IceCheckResult.Nominated)) { Counters.Dropped++; return; }

        var known = FindValidated(from);
        if (known is null)
        {
            known = from.Copy();
            var list = _validated;
            _validated = list.Length < MaxValidated ? [.. list, known] : [.. list[1..], known];
        }
        _onValidated?.Invoke(this, known); // every valid check: a shared port may have stopped routing an old address to us
        // RFC 8445 §8.2: the nominated pair carries media; before nomination, the last checked address does.
        if (result == IceCheckResult.Nominated || Volatile.Read(ref _target) is null)
            Volatile.Write(ref _target, known);
        DtlsSrtpTransport? startClient = null;
        lock (_gate)
        {
            if (_dtlsStartPending) { _dtlsStartPending = false; startClient = _dtls; }
        }
        startClient?.Start(); // as DTLS client: the ClientHello goes to the address ICE just validated
    }

    private void OnDtls(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        if (FindValidated(from) is null) { Counters.Dropped++; return; }
        var dtls = Volatile.Read(ref _dtls);
        if (dtls is not null) { dtls.OnDatagram(datagram); return; }
        lock (_gate)
        {
            // A ClientHello can beat the answer to ConfigureWeb: keep the latest one and feed it then.
            if (_dtls is null) { _earlyDtls = datagram.ToArray(); return; }
        }
        _dtls.OnDatagram(datagram);
    }

    private void OnSrtp(Span<byte> buffer, int length, SocketAddress from)
    {
        var inbound = Volatile.Read(ref _inbound);
        if (inbound is null || FindValidated(from) is null) { Counters.Dropped++; return; }
        var packet = buffer[..length];
        if (RtcpMuxClassifier.IsRtcp(packet))
        {
            // RFC 5761 rtcp-mux; SRTCP is terminated here (see RtcpReporter).
            if (inbound.UnprotectRtcp(packet, out int rtcpLength) == SrtpError.None && Rtcp.OnRtcp(packet[..rtcpLength])) Counters.RtcpIn++;
            else Counters.Dropped++;
            return;
        }
        if (length < 12 || inbound.UnprotectRtp(packet, out int rtpLength) != SrtpError.None) { Counters.Dropped++; return; }
        long now = _time.GetTimestamp();
        Counters.OnRtpIn(packet[..rtpLength], now, _time.GetElapsedTime(_session.Epoch, now));
        _session.OnWebRtp(buffer, rtpLength);
    }

    private SocketAddress? FindValidated(SocketAddress from)
    {
        var target = Volatile.Read(ref _target);
        if (target is not null && target.Equals(from)) return target;
        foreach (var address in _validated)
            if (address.Equals(from)) return address;
        return null;
    }

    /// <summary>
    /// Protects the RTP packet in <paramref name="buffer"/>[..<paramref name="rtpLength"/>] in place (the buffer has room for
    /// the tag) and sends it to the selected pair; piggybacks our SRTCP report when one is due. Called by one thread at a time.
    /// </summary>
    public bool SendRtp(Span<byte> buffer, int rtpLength)
    {
        var outbound = Volatile.Read(ref _outbound);
        var to = Volatile.Read(ref _target);
        if (outbound is null || to is null) return false;
        uint timestamp = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        if (outbound.ProtectRtp(buffer, rtpLength, out int protectedLength) != SrtpError.None) return false;
        if (!_socket.SendTo(buffer[..protectedLength], to)) return false;
        Counters.LastRtpTimestampOut = timestamp;
        Counters.OnOut(rtpLength);
        long now = _time.GetTimestamp();
        if (Rtcp.TakeDue(now))
        {
            int n = Rtcp.Write(_rtcpBuffer, LocalSsrc, Counters);
            if (n > 0 && outbound.ProtectRtcp(_rtcpBuffer, n, out int m) == SrtpError.None) _socket.SendTo(_rtcpBuffer.AsSpan(0, m), to);
        }
        return true;
    }

    /// <summary>Starts DTLS (RFC 5763 §5: the server waits for the ClientHello, the client sends it once ICE has an address).</summary>
    public void Configure(IceCredentials remote, string fingerprintAlgorithm, string fingerprint, bool gatewayIsDtlsServer)
    {
        Agent.SetRemoteCredentials(remote);
        DtlsSrtpTransport dtls;
        byte[]? early;
        lock (_gate)
        {
            if (_dtls is not null) return; // a re-offer keeps the association (same fingerprint, RFC 5763 §5)
            dtls = new DtlsSrtpTransport(_certificate, gatewayIsDtlsServer, fingerprintAlgorithm, fingerprint, SendDtls, _time,
                _dtlsOptions, _dtlsLogger);
            early = _earlyDtls;
            _earlyDtls = null;
            _dtlsStartPending = !gatewayIsDtlsServer && Volatile.Read(ref _target) is null;
            Volatile.Write(ref _dtls, dtls);
        }
        dtls.KeysExported += keys => InstallKeys(keys, gatewayIsDtlsServer);
        dtls.Completion.ContinueWith(OnDtlsCompleted, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (gatewayIsDtlsServer || !_dtlsStartPending) dtls.Start();
        if (early is not null && gatewayIsDtlsServer) dtls.OnDatagram(early);
    }

    private void SendDtls(ReadOnlyMemory<byte> datagram)
    {
        var to = Volatile.Read(ref _target);
        if (to is not null) _socket.SendTo(datagram.Span, to);
    }

    private void OnDtlsCompleted(Task<DtlsSrtpKeys> task)
    {
        // The keys were installed on the handshake thread (KeysExported).
        if (task.IsCompletedSuccessfully) _session.OnWebConnected();
        else _session.OnDtlsFailed(task.Exception?.InnerException);
    }

    /// <summary>Creates the SRTP contexts from the exported keys (RFC 5764 §4.2). Tests and benchmarks call it directly.</summary>
    internal void InstallKeys(DtlsSrtpKeys keys, bool isServer)
    {
        var (outbound, inbound) = keys.CreateContexts(isServer);
        Volatile.Write(ref _inbound, inbound);
        Volatile.Write(ref _outbound, outbound);
    }

    /// <summary>Test/bench hook: an address as if it had passed an ICE nomination.</summary>
    internal void ValidateForTest(IPEndPoint remote)
    {
        var address = remote.Serialize();
        _validated = [.. _validated, address];
        Volatile.Write(ref _target, address);
        _onValidated?.Invoke(this, address);
    }

    /// <summary>Replaces the inbound SRTP context (benchmark hook: a fresh replay window).</summary>
    internal void ReplaceInbound(SrtpContext inbound) => Interlocked.Exchange(ref _inbound, inbound)?.Dispose();

    /// <summary>Stops DTLS; the sockets are closed by the session.</summary>
    public void StopDtls()
    {
        DtlsSrtpTransport? dtls;
        lock (_gate) { dtls = _dtls; _dtlsStartPending = false; }
        try { dtls?.Dispose(); } catch (Exception) { /* a broken association must not block the teardown */ }
    }

    /// <summary>After the receive loops stopped: frees the SRTP contexts.</summary>
    public void DisposeContexts()
    {
        Interlocked.Exchange(ref _inbound, null)?.Dispose();
        Interlocked.Exchange(ref _outbound, null)?.Dispose();
    }

    public IReadOnlyList<SocketAddress> ValidatedAddresses => _validated;
}
