using System.Text.Json;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Media;

/// <summary>
/// Real Chromium against the media engine over loopback: ICE-lite, DTLS-SRTP (gateway passive = DTLS server), and the
/// apps sending audio back. The page and the answer come from <see cref="MediaTestHarness"/> on http://127.0.0.1:&lt;free port&gt;.
/// </summary>
public sealed class ChromiumMediaTests(ITestOutputHelper output)
{
    /// <summary>echo: the browser's own PCMU comes back; playback: a 440 Hz tone as PCMU every 20 ms; relay: the full
    /// bridge, SRTP -> plain RTP to a loopback "trunk" that sends every packet straight back -> SRTP to the browser.</summary>
    [SkippableTheory]
    [InlineData("echo")]
    [InlineData("playback")]
    [InlineData("relay")]
    public async Task Chromium_ConnectsIceAndDtls_AndReceivesAudioFromTheApp(string app)
    {
        if (!Chromium.IsAvailable(output)) return;
        await using var apps = new MediaTestApps(app);
        await using var harness = new MediaTestHarness(apps.Start);

        var result = await Chromium.RunNodeAsync("echo-test.mjs", $"{harness.Url} 8", TimeSpan.FromSeconds(90));
        var report = $"{result.Output}\n{harness.GatewayReport()}";
        output.WriteLine(report);
        Assert.True(result.ExitCode == 0, report);
        var line = result.Stdout.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        Assert.True(line is not null, report);
        using var json = JsonDocument.Parse(line!["RESULT ".Length..]);
        var samples = json.RootElement.GetProperty("samples").EnumerateArray().ToList();
        var last = samples[^1];
        Assert.True(last.GetProperty("ice").GetString() is "connected" or "completed", "ICE not connected\n" + report);
        Assert.True(last.GetProperty("dtls").GetString() == "connected", "DTLS not connected\n" + report);
        var received = samples.Select(s => s.GetProperty("received").GetInt64()).ToList();
        Assert.True(received[^1] > 0, "no audio from the app reached Chromium\n" + report);
        // Still growing at the end: the audio keeps flowing, not a burst.
        int firstNonZero = received.FindIndex(r => r > 0);
        Assert.True(received[^1] > received[firstNonZero], "inbound-rtp packetsReceived stopped growing\n" + report);
        Assert.True(harness.Connected.IsCompleted, "the session never raised Connected\n" + report);
        Assert.True(harness.Engine.PacketsRelayed > 0, report);
        Assert.Equal(0, harness.Engine.DtlsFailures);    }
}
