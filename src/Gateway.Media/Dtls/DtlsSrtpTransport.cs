using Gateway.Media.Srtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Gateway.Media.Dtls;

/// <summary>
/// One DTLS-SRTP association (RFC 5764) over datagrams the caller moves: received DTLS records are fed in with
/// <see cref="OnDatagram"/> (copied; the caller's buffer is free on return), records to send go out through the
/// send callback. The gateway is DTLS server or client per a=setup (RFC 5763 §5); the peer's certificate must
/// match its a=fingerprint, or the handshake fails.
/// The blocking BouncyCastle handshake runs on its own background thread (never a pool thread), which exits when
/// the handshake ends. Datagrams fed after that are ignored, except that as server a retransmitted final client
/// flight is answered by resending our final flight (RFC 6347 §4.2.4), since that thread is gone.
/// </summary>
public sealed partial class DtlsSrtpTransport : IDisposable
{
    private const int HandshakeThreadStack = 256 * 1024;
    private const int MaxFinalFlightResends = 4;
    private static readonly TimeSpan FinalFlightResendInterval = TimeSpan.FromMilliseconds(500);

    private enum Phase { Created, Handshaking, Connected, Failed, Disposed }

    private readonly object _gate = new();
    private readonly TaskCompletionSource<DtlsSrtpKeys> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DtlsHandshakeState? _state;
    private readonly string? _configurationError;
    private readonly DtlsDatagramPipe _pipe;
    private readonly DtlsSrtpOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile Phase _phase;
    private string? _abortReason;
    private ITimer? _timeout;
    private DtlsTransport? _connection;
    private byte[][] _finalFlight = [];
    private int _finalFlightResends;
    private long _lastResend;
    private long _started;

    /// <param name="send">Sends one DTLS datagram to the peer; called from the handshake thread (close_notify from
    /// the thread calling Dispose, a final-flight resend from the one calling OnDatagram). The memory is a fresh
    /// copy the callback may keep; an exception from it counts as a lost datagram.</param>
    public DtlsSrtpTransport(DtlsCertificate local, bool isServer, string remoteFingerprintAlgorithm, string remoteFingerprint,
        Action<ReadOnlyMemory<byte>> send, TimeProvider? time = null)
        : this(local, isServer, remoteFingerprintAlgorithm, remoteFingerprint, send, time, new DtlsSrtpOptions())
    {
    }

    /// <summary>As above, with explicit <paramref name="options"/> and a logger for handshake outcomes.</summary>
    public DtlsSrtpTransport(DtlsCertificate local, bool isServer, string remoteFingerprintAlgorithm, string remoteFingerprint,
        Action<ReadOnlyMemory<byte>> send, TimeProvider? time, DtlsSrtpOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        IsServer = isServer;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _pipe = new DtlsDatagramPipe(send, options.ReceiveQueueCapacity, options.MaxDatagramSize);
        // The fingerprint comes from the peer's SDP: a bad one fails the handshake, it does not throw here.
        var verifier = DtlsPeerVerifier.TryCreate(remoteFingerprintAlgorithm, remoteFingerprint, out _configurationError);
        if (verifier is not null) _state = new DtlsHandshakeState(local, verifier, options);
    }

    public bool IsServer { get; }

    /// <summary>Completes with the exported keys, or faults with <see cref="DtlsHandshakeException"/>.</summary>
    public Task<DtlsSrtpKeys> Completion => _completion.Task;

    /// <summary>
    /// Raised on the handshake thread with the exported keys just before <see cref="Completion"/> completes, so SRTP that
    /// the peer sends right after the last flight finds its context in place (Completion's continuations run later, on the pool).
    /// </summary>
    public event Action<DtlsSrtpKeys>? KeysExported;

    /// <summary>True once the handshake succeeded and until Dispose.</summary>
    public bool IsConnected => _phase == Phase.Connected;

    /// <summary>Starts the handshake in the background (the client sends its ClientHello at once). Idempotent.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_phase != Phase.Created) return;
            _phase = Phase.Handshaking;
            _started = _time.GetTimestamp();
            if (_state is not null)
                _timeout = _time.CreateTimer(static s => ((DtlsSrtpTransport)s!).Abort(null), this,
                    _options.HandshakeTimeout, Timeout.InfiniteTimeSpan);
        }
        if (_state is null)
        {
            Fail(null, _configurationError!);
            return;
        }
        try
        {
            var thread = new Thread(Run, HandshakeThreadStack) { IsBackground = true, Name = IsServer ? "dtls-server" : "dtls-client" };
            thread.Start();
        }
        catch (OutOfMemoryException e)
        {
            // Thread creation can fail under extreme load: this call fails, the process and other calls go on.
            Fail(e, "could not start the handshake thread");
        }
    }

    /// <summary>Feeds one received DTLS datagram (first byte 20..63, RFC 7983). Never throws; may be called before Start.</summary>
    public void OnDatagram(ReadOnlySpan<byte> datagram)
    {
        var phase = _phase;
        if (!DtlsRecordCheck.IsWholeRecords(datagram)) return;
        if (phase is Phase.Created or Phase.Handshaking) _pipe.Enqueue(datagram);
        else if (phase == Phase.Connected && IsServer && datagram[0] is 20 or 22) ResendFinalFlight();
    }

    /// <summary>Sends close_notify if connected and stops the handshake thread. Idempotent, never throws.</summary>
    public void Dispose()
    {
        DtlsTransport? connection;
        ITimer? timeout;
        lock (_gate)
        {
            if (_phase == Phase.Disposed) return;
            if (_phase == Phase.Handshaking) _abortReason = "disposed";
            connection = _connection;
            _connection = null;
            timeout = _timeout;
            _phase = Phase.Disposed;
        }
        timeout?.Dispose();
        if (connection is not null)
        {
            // RFC 5246 §7.2.1: close_notify, then BouncyCastle closes the pipe.
            try { connection.Close(); }
            catch (Exception) { /* best effort */ }
        }
        _pipe.Close();
        _completion.TrySetException(new DtlsHandshakeException("the DTLS transport was disposed"));
    }

    private void Run()
    {
        try
        {
            var crypto = new BcTlsCrypto(new SecureRandom());
            var connection = IsServer
                ? new DtlsServerProtocol().Accept(new DtlsSrtpServer(crypto, _state!), _pipe)
                : new DtlsClientProtocol().Connect(new DtlsSrtpClient(crypto, _state!), _pipe);
            bool won;
            lock (_gate)
            {
                won = _phase == Phase.Handshaking;
                if (won)
                {
                    _phase = Phase.Connected;
                    _connection = connection;
                    _finalFlight = _pipe.LastFlight();
                }
            }
            DisposeTimer();
            _pipe.StopReceiving();
            if (!won)
            {
                // Timed out or disposed in the same instant it completed: the abort wins.
                try { connection.Close(); } catch (Exception) { /* best effort */ }
                Fail(null, _abortReason ?? "aborted");
                return;
            }
            var keys = _state!.Keys!;
            Log.Completed(_logger, IsServer ? "server" : "client", keys.Profile, _time.GetElapsedTime(_started).TotalMilliseconds);
            KeysExported?.Invoke(keys);
            _completion.TrySetResult(keys);
        }
        catch (Exception e)
        {
            Fail(e, _abortReason ?? _state?.FailureReason ?? Describe(e));
        }
    }

    /// <summary>The handshake timer: stops the pipe, so the handshake thread's next read throws.</summary>
    private void Abort(object? _)
    {
        lock (_gate)
        {
            if (_phase != Phase.Handshaking) return;
            _abortReason = $"timed out after {_options.HandshakeTimeout.TotalSeconds:0.#} s";
        }
        _pipe.StopReceiving();
    }

    private void Fail(Exception? cause, string reason)
    {
        lock (_gate)
        {
            if (_phase == Phase.Handshaking) _phase = Phase.Failed;
        }
        DisposeTimer();
        _pipe.Close();
        var role = IsServer ? "server" : "client";
        Log.Failed(_logger, role, reason);
        _completion.TrySetException(new DtlsHandshakeException($"DTLS handshake ({role}) failed: {reason}", cause));
    }

    private void DisposeTimer()
    {
        ITimer? timeout;
        lock (_gate) timeout = _timeout;
        timeout?.Dispose();
    }

    private void ResendFinalFlight()
    {
        lock (_gate)
        {
            if (_finalFlightResends >= MaxFinalFlightResends) return;
            if (_finalFlightResends > 0 && _time.GetElapsedTime(_lastResend) < FinalFlightResendInterval) return;
            _finalFlightResends++;
            _lastResend = _time.GetTimestamp();
        }
        foreach (var datagram in _finalFlight) _pipe.SendRaw(datagram);
    }

    private static string Describe(Exception e) => e switch
    {
        TlsFatalAlertReceived r => $"the peer sent a fatal alert: {AlertDescription.GetText(r.AlertDescription)}",
        TlsTimeoutException => "timed out",
        TlsFatalAlert a => $"{AlertDescription.GetText(a.AlertDescription)} ({a.Message})",
        _ => e.Message,
    };

    private static partial class Log
    {
        [LoggerMessage(6201, LogLevel.Debug, "DTLS handshake as {Role} completed: {Profile} in {Milliseconds:0} ms")]
        public static partial void Completed(ILogger logger, string role, SrtpProfile profile, double milliseconds);

        [LoggerMessage(6202, LogLevel.Information, "DTLS handshake as {Role} failed: {Reason}")]
        public static partial void Failed(ILogger logger, string role, string reason);
    }
}

/// <summary>Why a DTLS handshake failed: timeout, fingerprint mismatch, no common SRTP profile, alert.</summary>
public sealed class DtlsHandshakeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>SRTP keying material exported per RFC 5764 §4.2, split into client and server write keys and salts.</summary>
public sealed record DtlsSrtpKeys(SrtpProfile Profile, byte[] ClientWriteKey, byte[] ClientWriteSalt, byte[] ServerWriteKey, byte[] ServerWriteSalt)
{
    /// <summary>The context to protect what this side sends and the one to unprotect what it receives.</summary>
    public (SrtpContext Outbound, SrtpContext Inbound) CreateContexts(bool isServer) => isServer
        ? (new SrtpContext(Profile, ServerWriteKey, ServerWriteSalt), new SrtpContext(Profile, ClientWriteKey, ClientWriteSalt))
        : (new SrtpContext(Profile, ClientWriteKey, ClientWriteSalt), new SrtpContext(Profile, ServerWriteKey, ServerWriteSalt));
}
