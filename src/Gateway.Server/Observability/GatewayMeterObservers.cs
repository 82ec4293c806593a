using System.Diagnostics.Metrics;
using Gateway.Dialplan;

namespace Gateway.Server.Observability;

/// <summary>
/// The rest of /metrics as observable instruments on the Meter "Gateway": the media engine's totals and each trunk's
/// health, read when a listener collects (an OTLP export, dotnet-counters), never on the media path.
/// </summary>
internal sealed class GatewayMeterObservers : IHostedService
{
    private readonly IServiceProvider _services;
    private readonly Meter _meter;

    public GatewayMeterObservers(IServiceProvider services, IMeterFactory meters)
    {
        _services = services;
        _meter = meters.Create(GatewayMetrics.MeterName);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _meter.CreateObservableUpDownCounter("gateway.media.sessions", () => Media().ActiveSessions, "{session}", "Media sessions open in the media engine.");
        _meter.CreateObservableCounter("gateway.media.packets_relayed", () => Media().PacketsRelayed, "{packet}", "RTP/RTCP packets relayed between the web and SIP legs.");
        _meter.CreateObservableCounter("gateway.media.bytes_relayed", () => Media().BytesRelayed, "By", "Bytes relayed between the web and SIP legs.");
        _meter.CreateObservableCounter("gateway.dtls.failures", () => Media().DtlsFailures, "{handshake}", "DTLS handshakes that failed or timed out.");
        _meter.CreateObservableUpDownCounter("gateway.conference.rooms", () => Apps().ConferenceRooms, "{room}", "Conference rooms open.");
        _meter.CreateObservableUpDownCounter("gateway.conference.participants", () => Apps().ConferenceParticipants, "{participant}", "Participants in all conference rooms.");
        _meter.CreateObservableUpDownCounter("gateway.recordings.active", () => Apps().RecordingsActive, "{recording}", "Calls being recorded now.");
        _meter.CreateObservableCounter("gateway.recordings.written", () => Apps().RecordingsWritten, "{recording}", "Recordings finished and closed.");
        _meter.CreateObservableCounter("gateway.recording.frames_dropped", () => Apps().RecordingFramesDropped, "{frame}", "Recorded frames dropped (the writer fell behind).");
        _meter.CreateObservableGauge("gateway.trunk.up", () => PerTrunk(t => t.Up ? 1 : 0), null,
            "1 while the trunk answers its OPTIONS keep-alives (or is not probed), 0 once marked down.");
        _meter.CreateObservableGauge("gateway.trunk.breaker_open", () => PerTrunk(t => t.Breaker == TrunkBreakerState.Closed ? 0 : 1), null,
            "1 while the trunk's circuit breaker keeps calls away (open or half-open), else 0.");
        _meter.CreateObservableCounter("gateway.trunk.failures", () => PerTrunk(t => t.Failures), "{failure}",
            "Attempts and breaker trials that failed on the trunk (5xx, 408, timeout, transport error).");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private MediaTotals Media() => MediaTotals.Read(_services);
    private AppTotals Apps() => AppTotals.Read(_services);

    private IEnumerable<Measurement<long>> PerTrunk(Func<TrunkHealth, long> value) =>
        (_services.GetService<TrunkFailover>()?.Snapshot() ?? [])
            .Select(t => new Measurement<long>(value(t), new KeyValuePair<string, object?>("trunk", t.Trunk)));
}
