using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Media;

/// <summary>
/// Real Firefox (Debian's firefox-esr, headless) against the media engine over loopback: ICE-lite, DTLS-SRTP (gateway
/// passive = DTLS server) and the apps of <see cref="MediaTestApps"/> (echo: Firefox's own PCMU comes back; playback;
/// relay through a loopback trunk). Firefox cannot be driven by playwright-core, so the shared <see cref="MediaTestPage"/>
/// runs by itself (?autorun) and posts its getStats samples to /result. Each case takes about 10 s.
/// </summary>
public sealed class FirefoxMediaTests(ITestOutputHelper output)
{
    /// <summary>Seconds the page samples getStats once connected: enough to see packetsReceived grow.</summary>
    private const int SampleSeconds = 5;
    /// <summary>Firefox start (a few seconds with a fresh profile on a shared machine), ICE, DTLS and the samples.</summary>
    private static readonly TimeSpan HardTimeout = TimeSpan.FromSeconds(25);

    [SkippableTheory]
    [InlineData("echo")]
    [InlineData("playback")]
    [InlineData("relay")]
    public async Task Firefox_ConnectsIceAndDtls_AndReceivesAudioFromTheApp(string app)
    {
        if (!Firefox.IsAvailable(output)) return;
        await using var apps = new MediaTestApps(app);
        await using var harness = new MediaTestHarness(apps.Start);
        var clock = Stopwatch.StartNew();
        var firefox = Firefox.Launch($"{harness.Url}?autorun={SampleSeconds}");
        bool passed = false;
        try
        {
            var exited = firefox.Exited;
            var finished = await Task.WhenAny(harness.Result, exited, Task.Delay(HardTimeout));
            string Report() =>
                $"firefox output log: {firefox.LogPath} (last lines below)\n{firefox.Tail()}\n{harness.GatewayReport()}\n" +
                $"engine: relayed {harness.Engine.PacketsRelayed}, DTLS failures {harness.Engine.DtlsFailures}; {clock.Elapsed.TotalSeconds:F1} s";
            Assert.True(finished != exited, "Firefox exited before the page posted its result\n" + Report());
            Assert.True(finished == harness.Result, $"no result from the page within {HardTimeout.TotalSeconds} s\n" + Report());

            var body = await harness.Result;
            var report = $"page result: {body}\n{Report()}";
            output.WriteLine(report);
            using var json = JsonDocument.Parse(body);
            Assert.False(json.RootElement.TryGetProperty("error", out var error), $"the page failed: {error}\n{report}");
            var samples = json.RootElement.GetProperty("samples").EnumerateArray().ToList();
            Assert.True(samples.Count >= 2, "too few samples\n" + report);
            var last = samples[^1];
            Assert.True(last.GetProperty("ice").GetString() is "connected" or "completed", "ICE not connected\n" + report);
            // connectionState aggregates ICE and DTLS (W3C webrtc-pc, RTCPeerConnectionState): "connected" means the DTLS
            // handshake finished, even on Firefox releases without the 'transport' stats report (dtls null there).
            Assert.True(last.GetProperty("connection").GetString() == "connected", "RTCPeerConnection (ICE + DTLS) not connected\n" + report);
            Assert.True(last.GetProperty("pair").GetString() == "succeeded", "the selected candidate pair did not succeed\n" + report);
            if (last.GetProperty("dtls").GetString() is { } dtls) Assert.True(dtls == "connected", "DTLS not connected\n" + report);
            var received = samples.Select(s => s.GetProperty("received").GetInt64()).ToList();
            Assert.True(received[^1] > 0, "no audio from the app reached Firefox\n" + report);
            // Still growing at the end: the audio keeps flowing, not a burst.
            int firstNonZero = received.FindIndex(r => r > 0);
            Assert.True(received[^1] > received[firstNonZero], "inbound-rtp packetsReceived stopped growing\n" + report);
            Assert.True(harness.Connected.IsCompleted, "the session never raised Connected\n" + report);
            Assert.True(harness.Engine.PacketsRelayed > 0, report);
            Assert.Equal(0, harness.Engine.DtlsFailures);
            output.WriteLine($"passed in {clock.Elapsed.TotalSeconds:F1} s: {received[^1]} packets from the {app} app reached Firefox");
            passed = true;
        }
        finally
        {
            await firefox.DisposeAsync(keepLog: !passed);
            if (!passed) output.WriteLine($"firefox output log kept at {firefox.LogPath}");
        }
    }
}
