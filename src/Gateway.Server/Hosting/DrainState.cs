namespace Gateway.Server.Hosting;

/// <summary>
/// Whether the gateway is draining (SIGTERM or POST /admin/drain): from then on no new call is taken (SIP INVITE and
/// OPTIONS get 503 with Retry-After, a browser's call gets error "unavailable", new WebSocket connections are refused)
/// and /healthz answers 503 "draining". Set once, never cleared: a drain ends with the process.
/// </summary>
public sealed class DrainState
{
    /// <summary>Retry-After (RFC 3261 §20.33) on the 503s sent while draining: about a restart's time.</summary>
    public const int RetryAfterSeconds = 30;

    private int _draining;

    public bool IsDraining => Volatile.Read(ref _draining) == 1;

    /// <summary>Starts draining; false when it had started already.</summary>
    public bool Begin() => Interlocked.Exchange(ref _draining, 1) == 0;
}
