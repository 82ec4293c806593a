using System.Globalization;
using System.Text;

namespace Gateway.Server.Observability;

/// <summary>
/// Renders the gateway's metrics in the Prometheus text exposition format 0.0.4:
/// one <c># HELP</c> and one <c># TYPE</c> line per family, histograms as cumulative <c>_bucket{le=...}</c>, <c>_sum</c>, <c>_count</c>.
/// </summary>
internal static class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Render(GatewayMetrics metrics, MediaTotals media, IReadOnlyList<Gateway.Dialplan.TrunkHealth>? trunks = null,
        IReadOnlyList<Gateway.Server.Trunks.TrunkRegistrationStatus>? registrations = null, int? bindings = null, AppTotals? apps = null)
    {
        var text = new StringBuilder(4096);

        Single(text, "gateway_active_calls", "gauge", "Calls in progress (either direction).", metrics.ActiveCalls);

        Single(text, "gateway_calls_started_total", "counter", "Calls created since start (either direction).", metrics.CallsStarted);

        Family(text, "gateway_calls_total", "counter", "Calls ended since start, by outcome.");
        foreach (var outcome in GatewayMetrics.Outcomes)
            Sample(text, "gateway_calls_total", $"outcome=\"{outcome}\"", metrics.CallsEnded(outcome));

        Histogram(text, "gateway_call_setup_seconds", "Call setup latency: call received to answer.", metrics.Setup);
        Histogram(text, "gateway_post_dial_delay_seconds",
            "Gateway-added post-dial delay: browser call to INVITE sent, or 200 OK to answer sent.", metrics.PostDialDelay);

        Family(text, "gateway_sip_responses_total", "counter", "SIP responses sent or received, by status code.");
        for (var code = 100; code <= 699; code++)
        {
            var count = metrics.SipResponses(code);
            if (count != 0)
                Sample(text, "gateway_sip_responses_total", $"code=\"{code}\"", count);
        }

        Single(text, "gateway_media_sessions", "gauge", "Media sessions open in the media engine.", media.ActiveSessions);
        Single(text, "gateway_packets_relayed_total", "counter", "RTP/RTCP packets relayed between the web and SIP legs.", media.PacketsRelayed);
        Single(text, "gateway_bytes_relayed_total", "counter", "Bytes relayed between the web and SIP legs.", media.BytesRelayed);
        Single(text, "gateway_dtls_failures_total", "counter", "DTLS handshakes that failed or timed out.", media.DtlsFailures);

        Single(text, "gateway_rtp_packets_lost_total", "counter", "RTP packets lost over ended calls (RFC 3550 A.3).", metrics.PacketsLost);
        Single(text, "gateway_rtp_packets_expected_total", "counter", "RTP packets expected over ended calls (RFC 3550 A.3).", metrics.PacketsExpected);
        Single(text, "gateway_packet_loss_ratio", "gauge", "Packets lost / expected over all ended calls.", metrics.PacketLossRatio);

        if (trunks is not null) Trunks(text, trunks);
        if (registrations is { Count: > 0 }) Registrations(text, registrations);
        if (bindings is { } held) Single(text, "gateway_registrations", "gauge", "SIP registrations (bindings) held by the registrar.", held);
        if (apps is { } a) Apps(text, a);
        return text.ToString();
    }

    /// <summary>Conference rooms (dialplan/README.md "Conferences") and call recordings ("Recording").</summary>
    private static void Apps(StringBuilder text, AppTotals apps)
    {
        Single(text, "gateway_conference_rooms", "gauge", "Conference rooms open (a room ends with its last participant).", apps.ConferenceRooms);
        Single(text, "gateway_conference_participants", "gauge", "Participants in all conference rooms.", apps.ConferenceParticipants);
        Single(text, "gateway_recordings_active", "gauge", "Calls being recorded now.", apps.RecordingsActive);
        Single(text, "gateway_recordings_written_total", "counter", "Recordings finished and closed since start.", apps.RecordingsWritten);
        Single(text, "gateway_recording_frames_dropped_total", "counter", "Recorded frames dropped because the writer fell behind the media path.", apps.RecordingFramesDropped);
    }

    /// <summary>Per register: true trunk: whether its registrar holds our binding (dialplan/README.md "Registration").</summary>
    private static void Registrations(StringBuilder text, IReadOnlyList<Gateway.Server.Trunks.TrunkRegistrationStatus> registrations)
    {
        Family(text, "gateway_trunk_registered", "gauge", "1 while the trunk's registrar holds the gateway's binding (register: true), else 0.");
        foreach (var r in registrations) Sample(text, "gateway_trunk_registered", TrunkLabel(r.Trunk), r.Registered ? 1 : 0);
    }

    /// <summary>Per trunk: the keep-alive verdict, the breaker, the failures counted (dialplan/README.md "Failover").</summary>
    private static void Trunks(StringBuilder text, IReadOnlyList<Gateway.Dialplan.TrunkHealth> trunks)
    {
        Family(text, "gateway_trunk_up", "gauge", "1 while the trunk answers its OPTIONS keep-alives (or is not probed), 0 once marked down.");
        foreach (var t in trunks) Sample(text, "gateway_trunk_up", TrunkLabel(t.Trunk), t.Up ? 1 : 0);
        Family(text, "gateway_trunk_breaker_open", "gauge", "1 while the trunk's circuit breaker keeps calls away (open or half-open), else 0.");
        foreach (var t in trunks) Sample(text, "gateway_trunk_breaker_open", TrunkLabel(t.Trunk), t.Breaker == Gateway.Dialplan.TrunkBreakerState.Closed ? 0 : 1);
        Family(text, "gateway_trunk_failures_total", "counter", "Attempts and breaker trials that failed on the trunk (5xx, 408, timeout, transport error).");
        foreach (var t in trunks) Sample(text, "gateway_trunk_failures_total", TrunkLabel(t.Trunk), t.Failures);
    }

    /// <summary>trunk="name", with \, " and newline escaped as the exposition format requires.</summary>
    private static string TrunkLabel(string trunk) =>
        "trunk=\"" + trunk.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

    private static void Histogram(StringBuilder text, string name, string help, LatencyHistogram histogram)
    {
        Family(text, name, "histogram", help);
        var (cumulative, sum) = histogram.Snapshot();
        for (var i = 0; i < histogram.UpperBounds.Count; i++)
            Sample(text, name + "_bucket", $"le=\"{Number(histogram.UpperBounds[i])}\"", cumulative[i]);
        var count = cumulative[^1];
        Sample(text, name + "_bucket", "le=\"+Inf\"", count);
        Sample(text, name + "_sum", null, sum);
        Sample(text, name + "_count", null, count);
    }

    /// <summary>A family with one unlabelled sample (the name is spelt once for HELP, TYPE and the sample).</summary>
    private static void Single(StringBuilder text, string name, string type, string help, long value) { Family(text, name, type, help); Sample(text, name, null, value); }

    private static void Single(StringBuilder text, string name, string type, string help, double value) { Family(text, name, type, help); Sample(text, name, null, value); }

    private static void Family(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder text, string name, string? labels, long value) =>
        Sample(text, name, labels).Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Sample(StringBuilder text, string name, string? labels, double value) =>
        Sample(text, name, labels).Append(Number(value)).Append('\n');

    private static StringBuilder Sample(StringBuilder text, string name, string? labels)
    {
        text.Append(name);
        if (labels is not null)
            text.Append('{').Append(labels).Append('}');
        return text.Append(' ');
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);
}
