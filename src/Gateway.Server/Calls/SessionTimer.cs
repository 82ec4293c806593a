namespace Gateway.Server.Calls;

/// <summary>
/// RFC 4028 session timer of one dialog: when the gateway is the refresher it asks for a refresh at half the
/// interval (§10); otherwise it expects the peer's refresh before the interval minus min(32 s, interval/3)
/// and reports expiry (§10: the side that is not the refresher sends BYE). Used on the call's loop only: a timer
/// posts its generation, and <see cref="Fired"/> tells a current firing from one a later schedule replaced.
/// </summary>
internal sealed class SessionTimer(TimeProvider time, Action<int> post) : IDisposable
{
    private ITimer? _timer;
    private TimeSpan _interval;
    private SessionRefresher _refresher;
    private int _generation;

    public bool IsRunning => _timer is not null;
    public uint IntervalSeconds => (uint)_interval.TotalSeconds;

    public void Start(uint seconds, bool weRefresh)
    {
        _interval = TimeSpan.FromSeconds(seconds);
        _refresher = weRefresh ? SessionRefresher.Gateway : SessionRefresher.Peer;
        Schedule();
    }

    /// <summary>A refresh succeeded (ours or the peer's): the interval starts again.</summary>
    public void Refreshed()
    {
        if (_timer is not null) Schedule();
    }

    /// <summary>What a timer event of <paramref name="generation"/> means now: null when stale or stopped.</summary>
    public SessionTimerDue? Fired(int generation)
    {
        if (_timer is null || generation != _generation) return null;
        return _refresher == SessionRefresher.Gateway ? SessionTimerDue.Refresh : SessionTimerDue.Expired;
    }

    private void Schedule()
    {
        _timer?.Dispose();
        var generation = ++_generation;
        var due = _refresher == SessionRefresher.Gateway ? _interval / 2 : _interval - TimeSpan.FromSeconds(Math.Min(32, _interval.TotalSeconds / 3));
        _timer = time.CreateTimer(_ => post(generation), null, due, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
    }
}

internal enum SessionRefresher { Gateway, Peer }

internal enum SessionTimerDue { Refresh, Expired }
