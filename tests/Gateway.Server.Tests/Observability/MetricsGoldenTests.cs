using Gateway.Dialplan;
using Gateway.Server.Observability;

namespace Gateway.Server.Tests.Observability;

/// <summary>
/// The /metrics text for a fixed set of events, byte for byte against <c>metrics-golden.txt</c> (captured from the
/// hand-rolled counters before GatewayMetrics moved to System.Diagnostics.Metrics): names, labels, order and values stay.
/// </summary>
public sealed class MetricsGoldenTests
{
    private static readonly string GoldenPath = Path.Combine(AppContext.BaseDirectory, "Observability", "metrics-golden.txt");

    /// <summary>Calls of every outcome, setup and post-dial delays in several buckets, SIP codes, loss, media totals, two trunks.</summary>
    internal static string RenderFixedEvents()
    {
        var metrics = new GatewayMetrics();
        for (var i = 0; i < 9; i++) metrics.CallStarted();
        foreach (var outcome in new[] { "answered", "answered", "busy", "no_answer", "failed", "cancelled", "rejected", "weird" })
            metrics.CallEnded(outcome);
        foreach (var ms in new[] { 30, 120, 800, 1500, 4000, 250_000 })
            metrics.ObserveSetup(TimeSpan.FromMilliseconds(ms));
        foreach (var us in new[] { 500, 2000, 12_000, 700_000 })
            metrics.ObservePostDialDelay(TimeSpan.FromTicks(us * 10));
        foreach (var code in new[] { 100, 180, 183, 200, 200, 200, 486, 503, 99, 700 })
            metrics.SipResponse(code);
        metrics.ObservePacketLoss(3, 1000);
        metrics.ObservePacketLoss(50, 20); // clamped to the expected count
        metrics.ObservePacketLoss(5, 0);   // ignored: nothing expected
        var media = new MediaTotals(PacketsRelayed: 123456, BytesRelayed: 98765432, DtlsFailures: 2, ActiveSessions: 1);
        IReadOnlyList<TrunkHealth> trunks = [new("backup", TrunkBreakerState.Open, true, 7), new("pri\"ma\\ry", TrunkBreakerState.Closed, false, 0)];
        return PrometheusTextWriter.Render(metrics, media, trunks);
    }

    [Fact]
    public void The_metrics_text_matches_the_golden_capture()
    {
        var text = RenderFixedEvents();
        if (Environment.GetEnvironmentVariable("GATEWAY_WRITE_GOLDEN") is { Length: > 0 } target)
            File.WriteAllText(target, text); // to capture again: GATEWAY_WRITE_GOLDEN=<source path of metrics-golden.txt>
        Assert.Equal(File.ReadAllText(GoldenPath), text);
    }
}
