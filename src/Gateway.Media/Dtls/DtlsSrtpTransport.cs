using Gateway.Media.Srtp;

namespace Gateway.Media.Dtls;

/// <summary>
/// One DTLS-SRTP association (RFC 5764) over datagrams the caller moves: received DTLS records are fed in with
/// <see cref="OnDatagram"/> (copied; the caller's buffer is free on return), records to send go out through the
/// send callback. The gateway is DTLS server or client per a=setup (RFC 5763 §5); the peer's certificate must
/// match its a=fingerprint, or the handshake fails.
/// CONTRACT STUB: implemented in the DTLS work.
/// </summary>
public sealed class DtlsSrtpTransport : IDisposable
{
    /// <param name="send">Sends one DTLS datagram to the peer; called from the handshake thread.</param>
    public DtlsSrtpTransport(DtlsCertificate local, bool isServer, string remoteFingerprintAlgorithm, string remoteFingerprint,
        Action<ReadOnlyMemory<byte>> send, TimeProvider? time = null) => throw new NotImplementedException();

    public bool IsServer { get; }

    /// <summary>Completes with the exported keys, or faults with <see cref="DtlsHandshakeException"/>.</summary>
    public Task<DtlsSrtpKeys> Completion => throw new NotImplementedException();

    /// <summary>Starts the handshake in the background (the client sends its ClientHello at once).</summary>
    public void Start() => throw new NotImplementedException();

    /// <summary>Feeds one received DTLS datagram (first byte 20..63, RFC 7983).</summary>
    public void OnDatagram(ReadOnlySpan<byte> datagram) => throw new NotImplementedException();

    /// <summary>Sends close_notify if connected and stops the handshake thread.</summary>
    public void Dispose() => throw new NotImplementedException();
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
