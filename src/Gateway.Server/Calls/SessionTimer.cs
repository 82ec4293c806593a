namespace Gateway.Server.Calls;

/// <summary>
/// RFC 4028 session timer of one dialog: when the gateway is the refresher it asks for a refresh at half the
/// interval (§10); otherwise it expects the peer's refresh before the interval minus min(32 s, interval/3)
/// and reports expiry (§10: the side that is not the refresher sends BYE).
/// </summary>
internal sealed class SessionTimer(TimeProvider time, Action refreshDue, Action expired) : IDisposable
{
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private TimeSpan _interval;
    private bool _weRefresh;

    public bool IsRunning { get { lock (_gate) return _timer is not null; } }
    public bool WeRefresh { get { lock (_gate) return _weRefresh; } }
    public uint IntervalSeconds { get { lock (_gate) return (uint)_interval.TotalSeconds; } }

    public void Start(uint seconds, bool weRefresh)
    {
        lock (_gate)
        {
            _interval = TimeSpan.FromSeconds(seconds);
            _weRefresh = weRefresh;
            ScheduleLocked();
        }
    }

    /// <summary>A refresh succeeded (ours or the peer's): the interval starts again.</summary>
    public void Refreshed()
    {
        lock (_gate)
        {
            if (_timer is not null) ScheduleLocked();
        }
    }

    private void ScheduleLocked()
    {
        _timer?.Dispose();
        var due = _weRefresh ? _interval / 2 : _interval - TimeSpan.FromSeconds(Math.Min(32, _interval.TotalSeconds / 3));
        _timer = time.CreateTimer(_ => (_weRefresh ? refreshDue : expired)(), null, due, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }
}
