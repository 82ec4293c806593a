namespace Gateway.Dialplan.Tests;

/// <summary>A TimeProvider that moves only when told; timestamps follow the clock.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    public override DateTimeOffset GetUtcNow() => _now;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => _now.UtcTicks;
    public void Advance(TimeSpan by) => _now += by;
}
