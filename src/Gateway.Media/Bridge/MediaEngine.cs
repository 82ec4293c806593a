using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Gateway.Media.Dtls;
using Gateway.Media.Net;
using Gateway.Media.Net.Batched;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Media.Bridge;

/// <summary>
/// The process-wide media plane: the DTLS certificate, the port range, the shared web port if configured,
/// and the receive loops. One per gateway. A once-a-second housekeeping tick (on the injected <see cref="TimeProvider"/>)
/// ends sessions whose consent lapsed (RFC 7675), whose RTP stopped, or that never connected.
/// </summary>
public sealed partial class MediaEngine : IAsyncDisposable
{
    private static readonly TimeSpan HousekeepingPeriod = TimeSpan.FromSeconds(1);

    private readonly MediaEngineOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly MediaPortAllocator _ports;
    private readonly ConcurrentDictionary<MediaSession, byte> _sessions = new();
    private readonly ConcurrentDictionary<RtpRelaySession, byte> _relays = new();
    private readonly ITimer _housekeeping;
    private readonly IPAddress _advertised;
    private readonly SharedWebPort? _shared;
    private readonly DtlsSrtpOptions _dtlsOptions;
    private readonly ILogger _dtlsLogger;
    private readonly MediaIoThreads? _io;
    private long _packetsRelayed, _bytesRelayed, _dtlsFailures;
    private int _disposed;

    public MediaEngine(MediaEngineOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
        : this(options, loggerFactory, time, certificate: null)
    {
    }

    /// <summary>Tests pass a certificate to skip generation.</summary>
    internal MediaEngine(MediaEngineOptions options, ILoggerFactory? loggerFactory, TimeProvider? time, DtlsCertificate? certificate)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } invalid) throw new ArgumentException(invalid, nameof(options));
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<MediaEngine>();
        _time = time ?? TimeProvider.System;
        Certificate = certificate ?? DtlsCertificate.Generate();
        _advertised = options.PublicAddress ?? options.BindAddress;
        // The engine's ConnectTimeout is the limit that counts (and is reported as such); DTLS gets a little longer.
        _dtlsOptions = new DtlsSrtpOptions { HandshakeTimeout = options.ConnectTimeout + TimeSpan.FromSeconds(5) };
        _dtlsLogger = _loggerFactory.CreateLogger<DtlsSrtpTransport>();
        _ports = new MediaPortAllocator(options.BindAddress, options.PortMin, options.PortMax);
        IoMode = options.EffectiveIoMode;
        int threads = IoMode == MediaIoMode.Batched ? (options.IoThreads > 0 ? options.IoThreads : Environment.ProcessorCount) : 0;
        if (threads > 0) _io = new MediaIoThreads(threads, options.IoTick);
        Log.IoMode(_logger, IoMode, options.IoMode, threads, options.IoTick.TotalMilliseconds);
        Opus = new Transcoding.OpusCodecProvider(options.OpusLibrary, options.OpusComplexity);
        Log.OpusBackend(_logger, Opus.Backend, Opus.Version, Opus.Complexity);
        Conferences = new Conference.ConferenceRooms(options.Conference, Opus, _time, _loggerFactory.CreateLogger<Conference.ConferenceRooms>());
        if (options.SharedWebPort != 0)
        {
            var socket = UdpMediaSocket.TryBind(new IPEndPoint(options.BindAddress, options.SharedWebPort));
            if (socket is null)
            {
                _io?.Dispose();
                throw new MediaUnavailableException($"shared web media port {options.SharedWebPort} is in use");
            }
            _shared = new SharedWebPort(new UdpMediaSocket(socket));
            _shared.Socket.Start(_shared.OnDatagram, _io?.Pick());
        }
        _housekeeping = _time.CreateTimer(static s => ((MediaEngine)s!).Housekeep(), this, HousekeepingPeriod, HousekeepingPeriod);
    }

    public DtlsCertificate Certificate { get; }

    /// <summary>Opus codecs of transcoded calls (native libopus or managed, probed once at start).</summary>
    public Transcoding.OpusCodecProvider Opus { get; }

    /// <summary>The conference rooms of <c>app: conference</c> calls.</summary>
    public Conference.ConferenceRooms Conferences { get; }

    /// <summary>How the sockets are read: what <see cref="MediaEngineOptions.IoMode"/> resolved to.</summary>
    public MediaIoMode IoMode { get; }

    /// <summary>Batched mode: wake-ups, system calls and datagrams of the media threads since start; zero otherwise.</summary>
    public MediaIoStats IoStats => _io?.Stats ?? default;

    public int ActiveSessions => _sessions.Count;

    /// <summary>Live RTP-to-RTP relays (<see cref="CreateRelay"/>).</summary>
    public int ActiveRelays => _relays.Count;

    /// <summary>Totals since start: packets and bytes relayed, DTLS failures (for /metrics).</summary>
    public long PacketsRelayed => Interlocked.Read(ref _packetsRelayed);
    public long BytesRelayed => Interlocked.Read(ref _bytesRelayed);
    public long DtlsFailures => Interlocked.Read(ref _dtlsFailures);

    /// <summary>Media ports held by live sessions (tests check none leak).</summary>
    internal int PortsInUse => _ports.Allocated;

    internal int SharedAddressCount => _shared?.AddressCount ?? 0;

    /// <summary>Allocates the session's ports; throws <see cref="MediaUnavailableException"/> when the range is exhausted.</summary>
    public MediaSession CreateSession()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        UdpMediaSocket? web = null;
        if (_shared is null)
            web = _ports.AllocateOne() ?? throw Exhausted();
        var pair = _ports.AllocatePair();
        if (pair is null)
        {
            web?.Dispose();
            throw Exhausted();
        }
        var session = new MediaSession(this, web ?? _shared!.Socket, ownsWebSocket: web is not null, pair.Value.Rtp, pair.Value.Rtcp,
            Certificate, _advertised, _time, _loggerFactory.CreateLogger<MediaSession>(), _shared is null ? null : _shared.OnValidated,
            _dtlsOptions, _dtlsLogger);
        _sessions[session] = 0;
        _shared?.Register(session.Web);
        session.StartLoops(_io?.Pick());
        return session;
    }

    /// <summary>An RTP-to-RTP relay between two SIP peers (two port pairs); throws <see cref="MediaUnavailableException"/>
    /// when the range is exhausted.</summary>
    public RtpRelaySession CreateRelay()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var a = _ports.AllocatePair() ?? throw Exhausted();
        var b = _ports.AllocatePair();
        if (b is null)
        {
            a.Rtp.Dispose();
            a.Rtcp.Dispose();
            throw Exhausted();
        }
        var relay = new RtpRelaySession(this, a, b.Value, _advertised, _time, _loggerFactory.CreateLogger<RtpRelaySession>());
        _relays[relay] = 0;
        relay.StartLoops(_io?.Pick());
        return relay;
    }

    private MediaUnavailableException Exhausted()
    {
        Log.PortsExhausted(_logger, _options.PortMin, _options.PortMax, _sessions.Count);
        return new MediaUnavailableException($"no free media port in {_options.PortMin}-{_options.PortMax}");
    }

    internal void CountRelayed(int bytes)
    {
        Interlocked.Increment(ref _packetsRelayed);
        Interlocked.Add(ref _bytesRelayed, bytes);
    }

    internal void Remove(RtpRelaySession relay) => _relays.TryRemove(relay, out _);

    internal void CountDtlsFailure() => Interlocked.Increment(ref _dtlsFailures);

    internal void Remove(MediaSession session)
    {
        _sessions.TryRemove(session, out _);
        _shared?.Unregister(session.Web);
    }

    /// <summary>Runs one housekeeping pass now (tests with a manual clock call it through the timer).</summary>
    internal void Housekeep()
    {
        foreach (var session in _sessions.Keys)
        {
            try { session.Housekeep(_options); }
            catch (Exception e) { Log.HousekeepingFailed(_logger, e); }
        }
        foreach (var relay in _relays.Keys)
        {
            try { relay.Housekeep(_options); }
            catch (Exception e) { Log.HousekeepingFailed(_logger, e); }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _housekeeping.DisposeAsync().ConfigureAwait(false);
        foreach (var session in _sessions.Keys) await session.DisposeAsync().ConfigureAwait(false);
        foreach (var relay in _relays.Keys) await relay.DisposeAsync().ConfigureAwait(false);
        if (_shared is not null)
        {
            _shared.Socket.Dispose();
            await _shared.Socket.Completion.ConfigureAwait(false);
        }
        _io?.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "media ports {Min}-{Max} exhausted ({Sessions} sessions)")]
        public static partial void PortsExhausted(ILogger logger, int min, int max, int sessions);

        [LoggerMessage(EventId = 6102, Level = LogLevel.Error, Message = "media housekeeping failed for a session")]
        public static partial void HousekeepingFailed(ILogger logger, Exception error);

        [LoggerMessage(EventId = 6103, Level = LogLevel.Information,
            Message = "media I/O: {Mode} (configured {Configured}), {Threads} media threads, tick {TickMs} ms")]
        public static partial void IoMode(ILogger logger, MediaIoMode mode, MediaIoMode configured, int threads, double tickMs);

        [LoggerMessage(EventId = 6150, Level = LogLevel.Information,
            Message = "media transcoding: Opus by {Backend} ({Version}), complexity {Complexity}")]
        public static partial void OpusBackend(ILogger logger, Transcoding.OpusBackend backend, string version, int complexity);
    }
}

/// <summary>No free media port (the call gets 503).</summary>
public sealed class MediaUnavailableException(string message) : Exception(message);
