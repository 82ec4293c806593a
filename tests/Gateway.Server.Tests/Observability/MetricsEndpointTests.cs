using Gateway.Media.Bridge;
using Gateway.Server.Observability;
using Gateway.Server.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Observability;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_are_served_in_prometheus_text_format_and_move()
    {
        await using var host = await TestGatewayHost.StartAsync();
        using var client = host.HttpClient();
        var metrics = host.App.Services.GetRequiredService<GatewayMetrics>();

        var before = PrometheusText.Parse(await client.GetStringAsync("/metrics"));
        metrics.CallStarted();
        metrics.SipResponse(486);
        metrics.ObserveSetup(TimeSpan.FromMilliseconds(800));
        using var response = await client.GetAsync("/metrics");
        var after = PrometheusText.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(0, before.Value("gateway_active_calls"));
        Assert.Equal(1, after.Value("gateway_active_calls"));
        Assert.Equal(1, after.Value("gateway_sip_responses_total", "code", "486"));
        Assert.Equal(1, after.Value("gateway_call_setup_seconds_bucket", "le", "1"));
        Assert.Equal(0, after.Value("gateway_packets_relayed_total"));
    }

    [Fact]
    public async Task Healthz_answers_ok()
    {
        await using var host = await TestGatewayHost.StartAsync();
        using var client = host.HttpClient();

        using var response = await client.GetAsync("/healthz");

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_media_engine_that_cannot_report_yet_does_not_break_the_scrape()
    {
        // Until the media bridge lands, MediaEngine is a contract stub whose members throw NotImplementedException.
        await using var host = await TestGatewayHost.StartAsync(configureServices: b =>
            b.Services.AddSingleton(_ => new MediaEngine(new MediaEngineOptions())));
        using var client = host.HttpClient();

        using var response = await client.GetAsync("/metrics");

        Assert.True(response.IsSuccessStatusCode);
        var text = PrometheusText.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(text.Value("gateway_packets_relayed_total") >= 0);
    }
}
