using Gateway.Server.Observability;

namespace Gateway.Server.Tests.Observability;

public sealed class GatewayMetricsTests
{
    private static PrometheusText Render(GatewayMetrics metrics, MediaTotals media = default) =>
        PrometheusText.Parse(PrometheusTextWriter.Render(metrics, media));

    [Fact]
    public void Every_family_has_help_and_type()
    {
        var text = Render(new GatewayMetrics());

        Assert.Equal("gauge", text.Types["gateway_active_calls"]);
        Assert.Equal("counter", text.Types["gateway_calls_total"]);
        Assert.Equal("histogram", text.Types["gateway_call_setup_seconds"]);
        Assert.Equal("histogram", text.Types["gateway_post_dial_delay_seconds"]);
        Assert.Equal("counter", text.Types["gateway_sip_responses_total"]);
        Assert.Equal("counter", text.Types["gateway_packets_relayed_total"]);
        Assert.Equal("counter", text.Types["gateway_bytes_relayed_total"]);
        Assert.Equal("counter", text.Types["gateway_dtls_failures_total"]);
        Assert.Equal("gauge", text.Types["gateway_packet_loss_ratio"]);
        Assert.All(text.Types.Keys, name => Assert.False(string.IsNullOrWhiteSpace(text.Help[name])));
        Assert.All(text.Types.Where(t => t.Value == "counter"), t => Assert.EndsWith("_total", t.Key));
    }

    [Fact]
    public void Counters_and_gauges_move()
    {
        var metrics = new GatewayMetrics();
        metrics.CallStarted();
        metrics.CallStarted();
        metrics.CallStarted();
        metrics.CallEnded("answered");
        metrics.CallEnded("busy");
        metrics.CallEnded("something-new");
        metrics.CallStarted();
        metrics.SipResponse(180);
        metrics.SipResponse(200);
        metrics.SipResponse(200);
        metrics.SipResponse(99);   // outside 100-699: ignored
        metrics.SipResponse(700);
        metrics.ObservePacketLoss(5, 100);
        metrics.ObservePacketLoss(0, 300);

        var text = Render(metrics, new MediaTotals(PacketsRelayed: 1234, BytesRelayed: 56789, DtlsFailures: 2, ActiveSessions: 1));

        Assert.Equal(1, text.Value("gateway_active_calls"));
        Assert.Equal(4, text.Value("gateway_calls_started_total"));
        Assert.Equal(1, text.Value("gateway_calls_total", "outcome", "answered"));
        Assert.Equal(1, text.Value("gateway_calls_total", "outcome", "busy"));
        Assert.Equal(1, text.Value("gateway_calls_total", "outcome", "other"));
        Assert.Equal(0, text.Value("gateway_calls_total", "outcome", "rejected"));
        Assert.Equal(1, text.Value("gateway_sip_responses_total", "code", "180"));
        Assert.Equal(2, text.Value("gateway_sip_responses_total", "code", "200"));
        Assert.Equal(2, text.Samples.Count(s => s.Name == "gateway_sip_responses_total"));
        Assert.Equal(1234, text.Value("gateway_packets_relayed_total"));
        Assert.Equal(56789, text.Value("gateway_bytes_relayed_total"));
        Assert.Equal(2, text.Value("gateway_dtls_failures_total"));
        Assert.Equal(1, text.Value("gateway_media_sessions"));
        Assert.Equal(5.0 / 400, text.Value("gateway_packet_loss_ratio"), 9);
        Assert.Equal(5, text.Value("gateway_rtp_packets_lost_total"));
        Assert.Equal(400, text.Value("gateway_rtp_packets_expected_total"));
    }

    [Theory]
    [InlineData("gateway_call_setup_seconds")]
    [InlineData("gateway_post_dial_delay_seconds")]
    public void Histograms_have_cumulative_buckets_ending_in_inf_equal_to_count(string name)
    {
        var metrics = new GatewayMetrics();
        double[] observed = [0.0005, 0.003, 0.04, 0.3, 0.3, 1.5, 7, 45, 500];
        foreach (var seconds in observed)
        {
            metrics.ObserveSetup(TimeSpan.FromSeconds(seconds));
            metrics.ObservePostDialDelay(TimeSpan.FromSeconds(seconds));
        }

        var text = Render(metrics);
        var buckets = text.Samples.Where(s => s.Name == name + "_bucket").ToList();

        Assert.True(buckets.Count >= 5);
        var bounds = buckets.Select(b => b.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(b.Labels["le"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(bounds.Order(), bounds);
        Assert.Equal(double.PositiveInfinity, bounds[^1]);
        for (var i = 1; i < buckets.Count; i++)
            Assert.True(buckets[i].Value >= buckets[i - 1].Value, "buckets must be cumulative");
        for (var i = 0; i < bounds.Count; i++)
            Assert.Equal(observed.Count(o => o <= bounds[i]), buckets[i].Value);
        Assert.Equal(observed.Length, text.Value(name + "_count"));
        Assert.Equal(buckets[^1].Value, text.Value(name + "_count"));
        Assert.Equal(observed.Sum(), text.Value(name + "_sum"), 3);
    }

    [Fact]
    public async Task Concurrent_updates_are_not_lost()
    {
        var metrics = new GatewayMetrics();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                metrics.CallStarted();
                metrics.SipResponse(200);
                metrics.ObserveSetup(TimeSpan.FromMilliseconds(i % 300));
                metrics.CallEnded("answered");
            }
        })));

        var text = Render(metrics);
        Assert.Equal(0, text.Value("gateway_active_calls"));
        Assert.Equal(40_000, text.Value("gateway_calls_total", "outcome", "answered"));
        Assert.Equal(40_000, text.Value("gateway_sip_responses_total", "code", "200"));
        Assert.Equal(40_000, text.Value("gateway_call_setup_seconds_count"));
    }

    [Fact]
    public void Conference_and_recording_state_is_rendered_when_given()
    {
        var text = PrometheusText.Parse(PrometheusTextWriter.Render(new GatewayMetrics(), default, apps: new AppTotals(2, 7, 1, 3, 36)));

        Assert.Equal(("gauge", 2.0), (text.Types["gateway_conference_rooms"], text.Value("gateway_conference_rooms")));
        Assert.Equal(("gauge", 7.0), (text.Types["gateway_conference_participants"], text.Value("gateway_conference_participants")));
        Assert.Equal(("gauge", 1.0), (text.Types["gateway_recordings_active"], text.Value("gateway_recordings_active")));
        Assert.Equal(("counter", 3.0), (text.Types["gateway_recordings_written_total"], text.Value("gateway_recordings_written_total")));
        Assert.Equal(("counter", 36.0), (text.Types["gateway_recording_frames_dropped_total"], text.Value("gateway_recording_frames_dropped_total")));
    }
}
