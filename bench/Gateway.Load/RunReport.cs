using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gateway.Load;

/// <summary>UDP receive-buffer drops during the run: host-wide, and at the tool's shared socket.</summary>
public sealed record DropCounts(long? HostWide, long? ToolSocket);

/// <summary>The one result line of a run (key=value pairs, stable names for scripts) and the once-a-second progress line.</summary>
public static class RunReport
{
    public static string ResultLine(LoadOptions o, LoadMetrics m, GatewayUsage gateway, TimeSpan elapsed, bool deadlineHit, long lateTicks, DropCounts drops)
    {
        var (expected, received, jitterMs, mediaSeconds) = m.EchoTotals();
        var lossPct = expected == 0 ? double.NaN : 100.0 * (expected - received) / expected;
        var callMinutes = mediaSeconds / 60;
        var sb = new StringBuilder("RESULT");
        void Add(string key, object? value) => sb.Append(' ').Append(key).Append('=').Append(Format(value));
        Add("label", o.Label.Length == 0 ? "-" : o.Label);
        Add("mode", o.MediaOnly is { } mediaMode ? "media-only-" + mediaMode : o.Inbound ? "inbound" : "outbound");
        if (!o.Inbound && o.MediaOnly is null) Add("to", o.To);
        Add("calls", o.Calls);
        Add("concurrency", o.Concurrency);
        Add("rate", o.Rate);
        Add("duration_s", o.Duration);
        Add("started", m.CallsStarted);
        Add("completed", m.CallsCompleted);
        Add("failed_setups", m.FailedSetups);
        Add("dropped", m.DroppedCalls);
        Add("peak_up", m.PeakCallsUp);
        Add("setup_p50_ms", m.SetupMs.Percentile(0.50));
        Add("setup_p99_ms", m.SetupMs.Percentile(0.99));
        Add("ice_p50_ms", m.IceMs.Percentile(0.50));
        Add("dtls_p50_ms", m.DtlsMs.Percentile(0.50));
        Add("dtls_p99_ms", m.DtlsMs.Percentile(0.99));
        Add("rtt_p50_ms", m.RoundTrip.PercentileMs(0.50));
        Add("rtt_p99_ms", m.RoundTrip.PercentileMs(0.99));
        Add("rtt_plateau_p50_ms", m.RoundTripPlateau.PercentileMs(0.50));
        Add("rtt_plateau_p99_ms", m.RoundTripPlateau.PercentileMs(0.99));
        Add("loss_pct", lossPct);
        Add("jitter_ms", jitterMs);
        Add("packets_sent", Interlocked.Read(ref m.PacketsSent));
        Add("packets_echoed", Interlocked.Read(ref m.PacketsEchoed));
        Add("udp_drops_host", drops.HostWide);
        Add("udp_drops_tool", drops.ToolSocket);
        Add("gw_cpu_s", gateway.CpuSeconds);
        Add("gw_cpu_s_per_call_min", gateway.CpuSeconds is { } cpu && callMinutes > 0 ? cpu / callMinutes : null);
        Add("gw_plateau_ms_per_call_s", gateway.PlateauMsPerCallSecond);
        Add("gw_plateau_s", gateway.PlateauSeconds);
        Add("gw_rss_peak_mib", gateway.RssPeakKiB is { } peakRss ? peakRss / 1024.0 : null);
        Add("gw_rss_kib_per_call", gateway.RssDeltaKiB is { } rss && m.PeakCallsUp > 0 ? (double)rss / m.PeakCallsUp : null);
        Add("tool_cpu_s", Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
        Add("tool_alloc_mib", GC.GetTotalAllocatedBytes() / (1024.0 * 1024));
        Add("tool_gen0", GC.CollectionCount(0));
        Add("late_ticks", lateTicks);
        Add("elapsed_s", elapsed.TotalSeconds);
        Add("deadline_hit", deadlineHit ? "yes" : "no");
        return sb.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "-",
        double d when double.IsNaN(d) => "-",
        double d => d.ToString(Math.Abs(d) >= 100 ? "0.0" : "0.000", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };

    /// <summary>Once a second: calls up, failures, loss over the last second (sent vs echoed, so in-flight packets blur it slightly).</summary>
    public sealed class Progress(LoadMetrics metrics, GatewayUsage gateway, MediaPump pump, int plateauLevel)
    {
        private readonly bool _terminal = !Console.IsOutputRedirected;
        private long _lastSent, _lastEchoed;

        public async Task RunAsync(Stopwatch clock, CancellationToken ct)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false)) Print(clock.Elapsed);
            }
            catch (OperationCanceledException)
            {
            }
            if (_terminal) Console.WriteLine();
        }

        private void Print(TimeSpan elapsed)
        {
            gateway.Sample(Volatile.Read(ref metrics.CallsUp), plateauLevel);
            var sent = Interlocked.Read(ref metrics.PacketsSent);
            var echoed = Interlocked.Read(ref metrics.PacketsEchoed);
            var ds = sent - _lastSent;
            var de = echoed - _lastEchoed;
            (_lastSent, _lastEchoed) = (sent, echoed);
            var loss = ds <= 0 ? 0 : Math.Max(0, 100.0 * (ds - de) / ds);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"t={elapsed.TotalSeconds,4:0}s started={metrics.CallsStarted} setting_up={Volatile.Read(ref metrics.SettingUp)} up={metrics.CallsUp} sending={pump.Count} done={metrics.CallsCompleted} failed={metrics.FailedSetups} dropped={metrics.DroppedCalls} pps_out={ds} pps_echo={de} loss_1s={loss:0.00}%");
            if (_terminal) Console.Write("\r" + line.PadRight(120));
            else Console.WriteLine(line);
        }
    }
}
