namespace Gateway.Media.Tests.Bridge;

/// <summary>A TimeProvider whose clock and timers only move when the test calls <see cref="Advance"/>.</summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves time forward in steps of at most <paramref name="step"/>, firing due timers on this thread in order.</summary>
    public void Advance(TimeSpan by, TimeSpan? step = null)
    {
        var stepTicks = (step ?? by).Ticks;
        var end = GetTimestamp() + by.Ticks;
        while (true)
        {
            var next = Math.Min(end, GetTimestamp() + Math.Max(1, stepTicks));
            while (true)
            {
                ManualTimer? due;
                lock (_gate) due = _timers.Where(t => t.DueTicks <= next).OrderBy(t => t.DueTicks).FirstOrDefault();
                if (due is null) break;
                Interlocked.Exchange(ref _ticks, Math.Max(GetTimestamp(), due.DueTicks));
                due.Fire();
            }
            Interlocked.Exchange(ref _ticks, next);
            if (next >= end) break;
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public long DueTicks = long.MaxValue;
        private long _period;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
                if (dueTime == Timeout.InfiniteTimeSpan) { DueTicks = long.MaxValue; return true; }
                DueTicks = clock.GetTimestamp() + dueTime.Ticks;
                _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
                clock._timers.Add(this);
            }
            return true;
        }

        public void Fire()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
                if (_period > 0) { DueTicks += _period; clock._timers.Add(this); }
                else DueTicks = long.MaxValue;
            }
            callback(state);
        }

        public void Dispose()
        {
            lock (clock._gate) clock._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
