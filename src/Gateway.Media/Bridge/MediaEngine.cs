using Microsoft.Extensions.Logging;

namespace Gateway.Media.Bridge;

/// <summary>
/// The process-wide media plane: the DTLS certificate, the port range, the shared web port if configured,
/// and the receive loops. One per gateway.
/// CONTRACT STUB: implemented in the media bridge work.
/// </summary>
public sealed class MediaEngine : IAsyncDisposable
{
    public MediaEngine(MediaEngineOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? time = null) =>
        throw new NotImplementedException();

    public int ActiveSessions => throw new NotImplementedException();

    /// <summary>Totals since start: packets and bytes relayed, DTLS failures (for /metrics).</summary>
    public long PacketsRelayed => throw new NotImplementedException();
    public long BytesRelayed => throw new NotImplementedException();
    public long DtlsFailures => throw new NotImplementedException();

    /// <summary>Allocates the session's ports; throws <see cref="MediaUnavailableException"/> when the range is exhausted.</summary>
    public MediaSession CreateSession() => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}

/// <summary>No free media port (the call gets 503).</summary>
public sealed class MediaUnavailableException(string message) : Exception(message);
