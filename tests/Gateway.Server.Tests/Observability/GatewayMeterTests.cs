using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Gateway.Server.Observability;

namespace Gateway.Server.Tests.Observability;

/// <summary>GatewayMetrics as System.Diagnostics.Metrics instruments on the Meter "Gateway": seen by any listener, allocation-free.</summary>
public sealed class GatewayMeterTests
{
    [Fact]
    public void Another_listener_sees_the_instruments_with_their_tags()
    {
        using var metrics = new GatewayMetrics();
        var seen = new List<(string Name, long Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();

        metrics.CallStarted();
        metrics.SipResponse(486);
        metrics.CallEnded("busy");
        metrics.CallEnded("made-up");

        Assert.Equal(GatewayMetrics.MeterName, metrics.Meter.Name);
        Assert.Contains(("gateway.calls.started", 1L, ""), seen);
        Assert.Contains(("gateway.sip.responses", 1L, "code=486"), seen);
        Assert.Contains(("gateway.calls.ended", 1L, "outcome=busy"), seen);
        Assert.Contains(("gateway.calls.ended", 1L, "outcome=other"), seen); // bounded label set
        Assert.Equal(-1, seen.Where(s => s.Name == "gateway.calls.active").Sum(s => s.Value)); // one start, two ends
        Assert.Equal(1, metrics.CallsEnded("busy")); // the /metrics aggregates still count
    }

    [Fact]
    public void Updates_allocate_nothing()
    {
        using var metrics = new GatewayMetrics();
        void Burst()
        {
            for (var i = 0; i < 1000; i++)
            {
                metrics.SipResponse(200 + i % 300);
                metrics.CallEnded("answered");
                metrics.ObserveSetup(TimeSpan.FromMilliseconds(i));
                metrics.ObservePacketLoss(i % 3, 100);
            }
        }
        Burst(); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();
        Burst();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

/// <summary>Media totals and trunk health as observable instruments on the Meter "Gateway" of a running host.</summary>
public sealed class GatewayMeterObserverTests
{
    private sealed class NoProbe : Gateway.Dialplan.ITrunkProber
    {
        public Task<bool> ProbeAsync(Gateway.Dialplan.TrunkDefinition trunk, CancellationToken cancellationToken) => Task.FromResult(true);
    }

    [Fact]
    public async Task Trunks_and_media_totals_are_observed_when_a_listener_collects()
    {
        var failover = new Gateway.Dialplan.TrunkFailover(new Gateway.Dialplan.TrunkFailoverOptions(), new NoProbe(), TimeProvider.System);
        failover.Track("pstn");
        await using var host = await Gateway.Server.Tests.Hosting.TestGatewayHost.StartAsync(configureServices: b => b.Services.AddSingleton(failover));
        var seen = new List<(string Name, long Value, string Tags)>();
        var factory = host.App.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName && instrument.Meter.Scope == factory) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            seen.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Contains(("gateway.trunk.up", 1L, "trunk=pstn"), seen);
        Assert.Contains(("gateway.trunk.breaker_open", 0L, "trunk=pstn"), seen);
        Assert.Contains(("gateway.trunk.failures", 0L, "trunk=pstn"), seen);
        Assert.Contains(("gateway.media.packets_relayed", 0L, ""), seen); // no media engine in this host: zeros
        Assert.Contains(seen, s => s.Name == "gateway.media.sessions");
    }
}
