namespace Gateway.Sip.Transactions;

/// <summary>A restartable one-shot timer on an injected <see cref="TimeProvider"/>, so tests can move time.</summary>
internal sealed class TransactionTimer(TimeProvider time, Action onFire) : IDisposable
{
    private ITimer? _timer;

    public void Start(TimeSpan dueTime)
    {
        Stop();
        _timer = time.CreateTimer(_ => onFire(), null, dueTime, Timeout.InfiniteTimeSpan);
    }

    public void Stop()
    {
        _timer?.Dispose();
        _timer = null;
    }

    public void Dispose() => Stop();
}
