using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using Gateway.Media.Dtls;
using Gateway.Media.Rtcp;
using Gateway.Media.Rtp;
using Gateway.Media.Srtp;

namespace Gateway.Load;

/// <summary>
/// The web-side media of one call over its <see cref="ILegTransport"/> (own or shared UDP socket on 127.0.0.1):
/// ICE checks, a DTLS-SRTP handshake, then SRTP G.711 sent by <see cref="MediaPump"/> and the echo measured here. Datagrams are demultiplexed by their first
/// byte (RFC 7983 §7): 0..3 STUN, 20..63 DTLS, 128..191 RTP/RTCP. The receive path allocates nothing per packet.
/// </summary>
public sealed class MediaLeg : IAsyncDisposable
{
    public const int PayloadBytes = 160;           // 20 ms of 8 kHz G.711
    private const uint PayloadMagic = 0x4C4F4144;  // "LOAD": marks the tool's own packets in the echo

    private readonly ILegTransport _transport;
    private readonly LoadMetrics _metrics;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<int> _iceResult = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IceChecks? _ice;
    private IPEndPoint? _remoteEndpoint;
    private DtlsSrtpTransport? _dtls;
    private SrtpContext? _outbound;
    private volatile SrtpContext? _inbound;
    private volatile bool _closed;

    // Sender state: touched only by the pump thread.
    private ushort _sequence = (ushort)Random.Shared.Next(0, 65536);
    private uint _timestamp = (uint)Random.Shared.Next();
    private uint _payloadSequence;
    private int _payloadType;
    private int _ticks;

    public MediaLeg(LoadMetrics metrics, ILegTransport transport, string fingerprintAlgorithm, string fingerprint)
    {
        _metrics = metrics;
        _transport = transport;
        Local = LocalMedia.Create(transport.LocalPort, fingerprintAlgorithm, fingerprint);
    }

    public LocalMedia Local { get; }
    public EchoStats Echo { get; } = new();
    public long PacketsSent { get; private set; }
    private volatile bool _sending;

    /// <summary>Set while the pump sends for this call (read by the pump and the shared socket's router).</summary>
    public bool Sending { get => _sending; set => _sending = value; }

    /// <summary>ICE until the nominating check succeeds, then the DTLS handshake. Returns (ICE ms, DTLS ms); throws <see cref="MediaSetupException"/>.</summary>
    public async Task<(double IceMs, double DtlsMs)> ConnectAsync(RemoteMedia remote, DtlsCertificate certificate, TimeSpan timeout, CancellationToken ct)
    {
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        timeoutCts.CancelAfter(timeout);
        _remoteEndpoint = remote.Endpoint;
        _payloadType = remote.PcmuPayloadType;
        _ice = new IceChecks(remote, Local);
        _transport.Connect(remote.Endpoint, this);

        var started = Stopwatch.GetTimestamp();
        var buffer = new byte[512];
        try
        {
            // RFC 8445 §14.3: checks paced at Ta = 50 ms; retransmitted with the same transaction id until answered.
            while (!_iceResult.Task.IsCompleted)
            {
                Send(buffer.AsSpan(0, _ice.WriteRequest(buffer, nominate: true)));
                await Task.WhenAny(_iceResult.Task, Task.Delay(50, timeoutCts.Token)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            throw new MediaSetupException("ice", ct.IsCancellationRequested ? "cancelled" : $"no ICE success within {timeout.TotalSeconds:0} s");
        }
        if (await _iceResult.Task.ConfigureAwait(false) is var code and not 0)
            throw new MediaSetupException("ice", $"Binding error response {code}");
        var iceMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        // RFC 5763 §5: the answerer's a=setup decides; the gateway being active makes the tool the DTLS server.
        var isServer = remote.Setup == "active";
        var dtlsStarted = Stopwatch.GetTimestamp();
        try
        {
            _dtls = new DtlsSrtpTransport(certificate, isServer, remote.FingerprintAlgorithm, remote.Fingerprint, SendDtls);
            _dtls.Start();
            var keys = await _dtls.Completion.WaitAsync(timeoutCts.Token).ConfigureAwait(false);
            var (outbound, inbound) = keys.CreateContexts(isServer);
            _outbound = outbound;
            _inbound = inbound;
        }
        catch (OperationCanceledException)
        {
            throw new MediaSetupException("dtls", ct.IsCancellationRequested ? "cancelled" : $"no DTLS handshake within {timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is not MediaSetupException)
        {
            throw new MediaSetupException("dtls", e.GetType().Name + ": " + e.Message);
        }
        return (iceMs, Stopwatch.GetElapsedTime(dtlsStarted).TotalMilliseconds);
    }

    private void SendDtls(ReadOnlyMemory<byte> datagram) => Send(datagram.Span);

    private void Send(ReadOnlySpan<byte> datagram) => _transport.Send(datagram);

    /// <summary>
    /// One 20 ms tick, called by the pump for every leg: an SRTP PCMU packet whose payload carries a marker, the
    /// payload sequence and the send time (the echo returns them), plus a consent check every ~5 s (RFC 7675 §5.1).
    /// <paramref name="scratch"/> is the pump's buffer.
    /// </summary>
    public void OnTick(Span<byte> scratch)
    {
        if (!Sending || _outbound is null) return;
        var header = RtpHeaderWriter.Write(scratch, (byte)_payloadType, _sequence++, _timestamp, Local.Ssrc);
        _timestamp += PayloadBytes;
        var payload = scratch.Slice(header, PayloadBytes);
        payload.Fill(0xFF); // mu-law silence after the 16 bytes of measurement data
        BinaryPrimitives.WriteUInt32BigEndian(payload, PayloadMagic);
        BinaryPrimitives.WriteUInt32BigEndian(payload[4..], _payloadSequence++);
        BinaryPrimitives.WriteInt64BigEndian(payload[8..], Stopwatch.GetTimestamp()); // per packet: a tick sends for every call
        if (_outbound.ProtectRtp(scratch, header + PayloadBytes, out var length) != SrtpError.None) return;
        Send(scratch[..length]);
        PacketsSent++;
        Interlocked.Increment(ref _metrics.PacketsSent);
        if (++_ticks % 250 == 0 && _ice is not null) Send(scratch[..(_ice.WriteRequest(scratch, nominate: false))]);
    }

    /// <summary>One received datagram, from the transport's receive loop (one at a time per leg).</summary>
    public void OnDatagram(Span<byte> datagram)
    {
        if (datagram.IsEmpty || _closed) return;
        var first = datagram[0];
        if (first < 4) OnStun(datagram);
        else if (first is >= 20 and <= 63) _dtls?.OnDatagram(datagram);
        else if (first is >= 128 and <= 191 && _inbound is { } inbound) OnSrtp(inbound, datagram);
    }

    private void OnStun(ReadOnlySpan<byte> datagram)
    {
        if (_ice is null) return;
        if (!_iceResult.Task.IsCompleted)
        {
            if (_ice.IsNominationSuccess(datagram)) { _iceResult.TrySetResult(0); return; }
            if (_ice.NominationErrorCode(datagram) is var code and not 0) { _iceResult.TrySetResult(code); return; }
        }
        Span<byte> response = stackalloc byte[128];
        var n = _ice.WriteResponseTo(datagram, _remoteEndpoint!, response);
        if (n > 0) Send(response[..n]);
    }

    private void OnSrtp(SrtpContext inbound, Span<byte> datagram)
    {
        if (RtcpMuxClassifier.IsRtcp(datagram))
        {
            if (inbound.UnprotectRtcp(datagram, out _) != SrtpError.None) Interlocked.Increment(ref _metrics.PacketsRejected);
            return;
        }
        var arrival = Stopwatch.GetTimestamp();
        if (inbound.UnprotectRtp(datagram, out var length) != SrtpError.None ||
            RtpHeader.TryParse(datagram[..length], out var rtp, out _) != RtpError.None)
        {
            Interlocked.Increment(ref _metrics.PacketsRejected);
            return;
        }
        var payload = rtp.Payload;
        if (payload.Length < 16 || BinaryPrimitives.ReadUInt32BigEndian(payload) != PayloadMagic)
        {
            Interlocked.Increment(ref _metrics.PacketsRejected); // not our echo (e.g. comfort noise or transcoded audio)
            return;
        }
        var micros = Echo.OnPacket(BinaryPrimitives.ReadUInt32BigEndian(payload[4..]), BinaryPrimitives.ReadInt64BigEndian(payload[8..]), arrival);
        _metrics.RoundTrip.Record(micros);
        if (Volatile.Read(ref _metrics.SettingUp) == 0) _metrics.RoundTripPlateau.Record(micros);
        Interlocked.Increment(ref _metrics.PacketsEchoed);
    }

    public async ValueTask DisposeAsync()
    {
        Sending = false;
        _closed = true;
        _stop.Cancel();
        try { _dtls?.Dispose(); } catch (Exception) { /* a half-done handshake may refuse to close cleanly */ }
        _transport.Dispose();
        await Task.Yield();
        // The SRTP contexts are left to the GC: a shared receive thread may still hold this leg's last packet.
        _stop.Dispose();
    }
}

/// <summary>ICE or DTLS did not complete; <see cref="Stage"/> is "ice" or "dtls".</summary>
public sealed class MediaSetupException(string stage, string message) : Exception(message)
{
    public string Stage { get; } = stage;
}
