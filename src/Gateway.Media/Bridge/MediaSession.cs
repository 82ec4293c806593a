using System.Net;
using Gateway.Media.Dtls;
using Gateway.Media.Ice;
using Gateway.Media.Net;
using Microsoft.Extensions.Logging;

namespace Gateway.Media.Bridge;

/// <summary>
/// One call's media: a web leg (ICE-lite + DTLS + SRTP) joined to a SIP leg (plain RTP), or the web leg alone
/// for the built-in apps (echo, playback). Created by <see cref="MediaEngine.CreateSession"/>; dispose it when
/// the call ends (frees its ports). The relay itself is in MediaSession.Relay.cs.
/// </summary>
public sealed partial class MediaSession : IAsyncDisposable, IRtpLegOwner
{
    private readonly MediaEngine _engine;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _ownsWebSocket;
    private readonly DtmfToSip _dtmfToSip;
    private readonly IPAddress _advertised;
    private PlaybackApp? _playback;
    private long _webConfiguredAt, _rtpClockStart;
    private int _ended, _disposed, _connected;

    internal MediaSession(MediaEngine engine, UdpMediaSocket webSocket, bool ownsWebSocket, UdpMediaSocket rtp, UdpMediaSocket rtcp,
        DtlsCertificate certificate, IPAddress advertised, TimeProvider time, ILogger logger, Action<WebRtcLeg, SocketAddress>? onValidated,
        DtlsSrtpOptions dtlsOptions, ILogger? dtlsLogger)
    {
        _engine = engine;
        _time = time;
        _logger = logger;
        _ownsWebSocket = ownsWebSocket;
        _advertised = advertised;
        Epoch = time.GetTimestamp();
        Certificate = certificate;
        uint webSsrc = (uint)Random.Shared.Next() | 1u, sipSsrc = (uint)Random.Shared.Next() | 2u;
        Web = new WebRtcLeg(this, webSocket, certificate, time, onValidated, dtlsOptions, dtlsLogger) { LocalSsrc = webSsrc };
        Sip = new RtpLeg(this, rtp, rtcp, time) { LocalSsrc = sipSsrc };
        _dtmfToSip = new DtmfToSip(Sip, time);
    }

    internal WebRtcLeg Web { get; }
    /// <summary>The web leg's ICE-lite agent: its first selected pair is "ICE connected" (the call's trace).</summary>
    public IceLiteAgent WebIce => Web.Agent;
    internal RtpLeg Sip { get; }
    internal DtlsCertificate Certificate { get; }
    /// <summary>Creation time (<see cref="TimeProvider.GetTimestamp"/>); arrival times for jitter count from it.</summary>
    internal long Epoch { get; }
    internal bool OwnsWebSocket => _ownsWebSocket;

    long IRtpLegOwner.Epoch => Epoch;
    void IRtpLegOwner.OnLegRtp(RtpLeg leg, Span<byte> buffer, int length) => OnSipRtp(buffer, length);
    void IRtpLegOwner.OnLegRtcp(RtpLeg leg, Span<byte> buffer, int length) { } // terminated here: the SIP leg reports itself

    // ---- local parameters, for the SDP layer's WebRtcEndpoint / RtpEndpoint ----
    /// <summary>The web leg's host candidate address and port.</summary>
    public IPEndPoint WebEndPoint => new(_advertised, Web.Socket.Port);
    public IceCredentials LocalIce => Web.Agent.LocalCredentials;
    public string FingerprintAlgorithm => DtlsCertificate.FingerprintAlgorithm;
    public string Fingerprint => Certificate.Fingerprint;
    /// <summary>The SIP leg's RTP address and port (c= and m= toward the trunk).</summary>
    public IPEndPoint SipEndPoint => new(_advertised, Sip.RtpSocket.Port);

    /// <summary>Raised once ICE and DTLS are up on the web leg (SRTP keys in place).</summary>
    public event Action<MediaSession>? Connected;
    /// <summary>Raised once when the media plane ends the session on its own.</summary>
    public event Action<MediaSession, MediaEndReason>? Ended;
    /// <summary>An RFC 4733 digit received from the web leg (raised on the event's end), for SIP INFO relay.</summary>
    public event Action<MediaSession, char, int>? DtmfFromWeb;

    /// <summary>True once ICE and DTLS completed.</summary>
    public bool IsConnected => Volatile.Read(ref _connected) != 0;

    /// <summary>The browser's ICE credentials and certificate fingerprint, and the DTLS role the gateway takes.</summary>
    public void ConfigureWeb(IceCredentials remote, string remoteFingerprintAlgorithm, string remoteFingerprint, bool gatewayIsDtlsServer)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Interlocked.CompareExchange(ref _webConfiguredAt, NonZeroNow(), 0);
        Web.Configure(remote, remoteFingerprintAlgorithm, remoteFingerprint, gatewayIsDtlsServer);
    }

    /// <summary>Test and benchmark hook: the web leg as if ICE had nominated <paramref name="browser"/> and DTLS had exported
    /// <paramref name="keys"/> (the gateway's role is <paramref name="gatewayIsDtlsServer"/>).</summary>
    internal void ConfigureWebWithKeys(IceCredentials remote, IPEndPoint browser, DtlsSrtpKeys keys, bool gatewayIsDtlsServer)
    {
        Web.Agent.SetRemoteCredentials(remote);
        Interlocked.CompareExchange(ref _webConfiguredAt, NonZeroNow(), 0);
        Web.ValidateForTest(browser);
        Web.InstallKeys(keys, gatewayIsDtlsServer);
        OnWebConnected();
    }

    /// <summary>The SIP side's RTP address (may change on re-INVITE) and the payload type mapping.</summary>
    public void ConfigureSip(IPEndPoint remote, MediaCodecMapping codecs)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(codecs);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ConfigureRelay(codecs);
        Sip.Configure(remote, codecs.SipSrtp);
        Interlocked.CompareExchange(ref _rtpClockStart, NonZeroNow(), 0);
    }

    /// <summary>Hold: stop (false) or resume (true) forwarding toward each leg.</summary>
    public void SetForwarding(bool toWeb, bool toSip)
    {
        _forwardToWeb = toWeb;
        _forwardToSip = toSip;
    }

    /// <summary>Built-in app: send the leg's audio back to it (extension 600); <paramref name="leg"/> Sip for a SIP caller.</summary>
    public void StartEcho(int payloadType, int clockRate, MediaAppLeg leg = MediaAppLeg.Web)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ConfigureEcho(payloadType, clockRate, leg);
    }

    /// <summary>Built-in app: play 8 kHz 16-bit mono samples to the web leg as G.711 (PCMU 0 or PCMA 8), or as Opus when
    /// <paramref name="clockRate"/> is 48000 (the browser negotiated Opus), looping until disposed.</summary>
    public void StartPlayback(ReadOnlyMemory<short> samples8k, int webPayloadType, int clockRate = 8000, MediaAppLeg leg = MediaAppLeg.Web)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var opus = clockRate == Transcoding.OpusCodecProvider.SampleRate ? _engine.Opus : null;
        var app = new PlaybackApp(AppLegOutput.For(this, leg, _engine.CountRelayed), samples8k, webPayloadType, _time, opus);
        if (Interlocked.CompareExchange(ref _playback, app, null) is not null)
        {
            _ = app.DisposeAsync();
            throw new InvalidOperationException("playback already started");
        }
    }

    internal long PlaybackFramesSent => _playback?.FramesSent ?? 0;

    /// <summary>Sends RFC 4733 digits toward the SIP leg (0-9 * # A-D), each for durationMs.</summary>
    public void SendDtmfToSip(string digits, int durationMs) => SendDtmfToSipAsync(digits, durationMs);

    /// <summary>As <see cref="SendDtmfToSip"/>; the task completes when the last packet was sent.</summary>
    internal Task SendDtmfToSipAsync(string digits, int durationMs)
    {
        ArgumentNullException.ThrowIfNull(digits);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var codecs = _codecs ?? throw new InvalidOperationException("ConfigureSip first");
        if (codecs.SipTelephoneEventPayloadType is not int pt)
            throw new InvalidOperationException("the SIP leg did not negotiate telephone-event");
        return _dtmfToSip.Enqueue(digits, durationMs, pt, codecs.ClockRate);
    }

    internal long DtmfPacketsSentToSip => _dtmfToSip.PacketsSent;

    public MediaSessionStats Stats
    {
        get
        {
            LegCounters w = Web.Counters, s = Sip.Counters;
            return new MediaSessionStats(
                Volatile.Read(ref w.PacketsIn), Volatile.Read(ref w.BytesIn), Volatile.Read(ref w.PacketsOut), Volatile.Read(ref w.BytesOut),
                Volatile.Read(ref s.PacketsIn), Volatile.Read(ref s.BytesIn), Volatile.Read(ref s.PacketsOut), Volatile.Read(ref s.BytesOut),
                w.Lost, s.Lost, w.JitterMs, s.JitterMs);
        }
    }

    /// <summary>Datagrams dropped on each leg (bad input, unknown sources, failed authentication).</summary>
    internal (long Web, long Sip) Dropped => (Volatile.Read(ref Web.Counters.Dropped), Volatile.Read(ref Sip.Counters.Dropped));

    /// <summary>Now, as a timestamp where 0 keeps meaning "not yet".</summary>
    private long NonZeroNow() => Math.Max(1, _time.GetTimestamp());

    internal void OnWebConnected()
    {
        if (Interlocked.Exchange(ref _connected, 1) != 0) return;
        Interlocked.CompareExchange(ref _rtpClockStart, NonZeroNow(), 0);
        Log.Connected(_logger, LocalIce.Ufrag);
        try { Connected?.Invoke(this); }
        catch (Exception e) { Log.HandlerFailed(_logger, nameof(Connected), e); }
    }

    internal void OnDtlsFailed(Exception? error)
    {
        if (Volatile.Read(ref _disposed) != 0 || Volatile.Read(ref _ended) != 0) return;
        _engine.CountDtlsFailure();
        Log.DtlsFailed(_logger, LocalIce.Ufrag, error?.Message ?? "unknown", error);
        End(MediaEndReason.DtlsFailed);
    }

    /// <summary>Once a second from the engine: RFC 7675 consent, connect timeout, RTP inactivity.</summary>
    internal void Housekeep(MediaEngineOptions options)
    {
        if (Volatile.Read(ref _ended) != 0 || Volatile.Read(ref _disposed) != 0) return;
        long configured = Volatile.Read(ref _webConfiguredAt);
        if (configured != 0 && !IsConnected && _time.GetElapsedTime(configured) > options.ConnectTimeout) { End(MediaEndReason.ConnectTimeout); return; }
        if (Web.Agent.ConsentExpired) { End(MediaEndReason.ConsentLost); return; }
        long start = Volatile.Read(ref _rtpClockStart);
        if (start == 0) return;
        // On hold (a direction not forwarded) the held side may legitimately send nothing (a=inactive): no RTP timeout.
        if (!_forwardToWeb || !_forwardToSip) { Volatile.Write(ref _rtpClockStart, NonZeroNow()); return; }
        long last = Math.Max(start, Math.Max(Volatile.Read(ref Web.Counters.LastRtpIn), Volatile.Read(ref Sip.Counters.LastRtpIn)));
        if (_time.GetElapsedTime(last) > options.RtpTimeout) End(MediaEndReason.RtpTimeout);
    }

    private void End(MediaEndReason reason)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0 || Volatile.Read(ref _disposed) != 0) return;
        Log.Ended(_logger, LocalIce.Ufrag, reason);
        try { Ended?.Invoke(this, reason); }
        catch (Exception e) { Log.HandlerFailed(_logger, nameof(Ended), e); }
    }

    /// <summary>Starts receiving on the session's sockets: all on <paramref name="io"/> (batched), or a loop each.</summary>
    internal void StartLoops(Net.Batched.MediaIoThread? io)
    {
        if (_ownsWebSocket) Web.Socket.Start(Web.OnDatagram, io);
        Sip.RtpSocket.Start(Sip.OnRtpDatagram, io);
        Sip.RtcpSocket.Start(Sip.OnRtcpDatagram, io);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        StopRecording();
        LeaveConference();
        _dtmfToSip.Stop();
        if (_playback is { } playback) await playback.DisposeAsync().ConfigureAwait(false);
        Web.StopDtls();
        _engine.Remove(this);
        if (_ownsWebSocket) Web.Socket.Dispose();
        Sip.RtpSocket.Dispose();
        Sip.RtcpSocket.Dispose();
        await Task.WhenAll(_ownsWebSocket ? Web.Socket.Completion : Task.CompletedTask, Sip.RtpSocket.Completion, Sip.RtcpSocket.Completion)
            .ConfigureAwait(false);
        Web.DisposeContexts();
        Sip.DisposeSrtp();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "media {Ufrag}: ICE and DTLS connected")]
        public static partial void Connected(ILogger logger, string ufrag);

        [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "media {Ufrag}: DTLS failed: {Reason}")]
        public static partial void DtlsFailed(ILogger logger, string ufrag, string reason, Exception? error);

        [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "media {Ufrag}: ended ({Reason})")]
        public static partial void Ended(ILogger logger, string ufrag, MediaEndReason reason);

        [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "media: a {Event} handler threw")]
        public static partial void HandlerFailed(ILogger logger, string @event, Exception error);
    }
}
