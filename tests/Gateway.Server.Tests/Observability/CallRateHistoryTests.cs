using Gateway.Tests.Shared;
using Gateway.Server.Observability;
using Gateway.Server.Tests.Signaling;

namespace Gateway.Server.Tests.Observability;

/// <summary>The 60-minute ring of calls started per minute behind the ops page's chart.</summary>
public sealed class CallRateHistoryTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Calls_land_in_their_minute_and_age_out_after_an_hour()
    {
        var time = new ManualTimeProvider();
        time.Advance(Noon - time.GetUtcNow());
        var history = new CallRateHistory(time);

        history.Record();
        history.Record();
        time.Advance(TimeSpan.FromMinutes(1));
        history.Record();

        var (first, counts) = history.Snapshot();
        Assert.Equal(Noon.AddMinutes(1 - 59), first);
        Assert.Equal(60, counts.Length);
        Assert.Equal(1, counts[^1]);
        Assert.Equal(2, counts[^2]);
        Assert.Equal(3, counts.Sum());

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal([1L], history.Snapshot().Counts.Where(c => c != 0));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.All(history.Snapshot().Counts, c => Assert.Equal(0, c));

        history.Record(); // the slot of an hour ago is reused, not added to
        Assert.Equal(1, history.Snapshot().Counts[^1]);
        Assert.Equal(1, history.Snapshot().Counts.Sum());
    }
}
