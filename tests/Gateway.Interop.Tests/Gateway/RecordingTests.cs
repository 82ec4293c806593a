using System.Buffers.Binary;
using Gateway.Interop.Tests.Sip;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// Issue #16, recording: a sipp phone (its audio a 1 kHz tone from <see cref="RtpTone"/>) calls alice in Chromium
/// (its audio the fake microphone) on a <c>record: true</c> route. The WAV file is read back as audio: the right
/// (SIP) channel's energy is at 1 kHz (Goertzel at 1 kHz against its neighbours), the left (web) channel carries
/// the browser's sound; and a gateway killed mid-call leaves a file whose header covers what was written, short by at
/// most the one second between header updates.
/// </summary>
[Trait("Category", "E2E")]
[Collection(E2eCollection.Name)]
public sealed class RecordingTests(ITestOutputHelper output)
{
    private const int HeaderBytes = 44;
    private const int BytesPerSecond = 8000 * 2 * 2; // 8 kHz, 16-bit, stereo

    [SkippableFact(Timeout = 120_000)]
    public async Task ARecordedCallCarriesTheWebSideLeftAndThePhonesToneRight()
    {
        if (!E2e.PeersAvailable(output)) return;
        var folder = Directory.CreateTempSubdirectory("recordings-").FullName;
        using var tone = new RtpTone();
        await using var gateway = await StartAsync(folder);
        await using var browser = await ChromiumDriver.StartAsync(output);
        var page = await E2e.OpenDialerAsync(browser, gateway, user: "alice");
        using var stop = new CancellationTokenSource();
        var sipp = CallAlice(gateway, tone, pauseMs: 5000, stop.Token);
        try
        {
            await AnswerAsync(browser, page);
            await E2e.AssertSippSucceeded(sipp, output, TimeSpan.FromSeconds(30));
            var wav = await WaitForRecordingAsync(folder, finished: true);
            var (header, samples) = Read(wav);
            output.WriteLine($"{wav}: {samples.Length / 2} frames, header data size {header}; {tone.Summary()}");
            Assert.Equal(samples.Length * 2, header);
            Assert.True(samples.Length / 2 > 8000 * 3, "less than 3 s recorded");

            var right = Channel(samples, 1);
            var left = Channel(samples, 0);
            var at1k = Goertzel(right, 1000);
            output.WriteLine($"right: 1 kHz {at1k:E2}, 700 Hz {Goertzel(right, 700):E2}, 1300 Hz {Goertzel(right, 1300):E2}; left RMS {Rms(left):F0}");
            Assert.True(at1k > 20 * Goertzel(right, 700) && at1k > 20 * Goertzel(right, 1300), "the SIP channel's tone is not at 1 kHz");
            Assert.True(Rms(left) > 100, "the web channel is silent");
        }
        finally
        {
            stop.Cancel();
            await sipp;
        }
    }

    [SkippableFact(Timeout = 120_000)]
    public async Task AGatewayKilledMidCallLeavesAPlayableFile()
    {
        if (!E2e.PeersAvailable(output)) return;
        var folder = Directory.CreateTempSubdirectory("recordings-").FullName;
        using var tone = new RtpTone();
        var gateway = await StartAsync(folder);
        await using var browser = await ChromiumDriver.StartAsync(output);
        using var stop = new CancellationTokenSource();
        Task<Sipp.Result>? sipp = null;
        try
        {
            var page = await E2e.OpenDialerAsync(browser, gateway, user: "alice");
            sipp = CallAlice(gateway, tone, pauseMs: 30000, stop.Token);
            await AnswerAsync(browser, page);
            var wav = await WaitForRecordingAsync(folder, finished: false);
            await WaitUntilAsync(() => new FileInfo(wav).Length > HeaderBytes + 3 * BytesPerSecond, TimeSpan.FromSeconds(15), "3 s recorded");
            await gateway.DisposeAsync(); // kill -9 of the process tree mid-call

            var (header, samples) = Read(wav);
            var written = samples.Length * 2;
            output.WriteLine($"{wav}: {written} bytes of audio, header says {header}");
            Assert.InRange(header, Math.Max(1, written - BytesPerSecond - 4096), written);
            Assert.True(Goertzel(Channel(samples[..(header / 2)], 1), 1000) > 0, "no audio in the part the header covers");
        }
        finally
        {
            await gateway.DisposeAsync();
            stop.Cancel();
            if (sipp is not null) await sipp;
        }
    }

    private Task<GatewayProcess> StartAsync(string folder) => GatewayProcess.StartAsync(output, "recording-test.yaml",
        settings: new Dictionary<string, string> { ["Recording:Folder"] = folder });

    private static Task<Sipp.Result> CallAlice(GatewayProcess gateway, RtpTone tone, int pauseMs, CancellationToken stop) =>
        Sipp.RunAsync(
            $"127.0.0.1:{gateway.SipPort} -sf {TestPaths.Scenario("uac-inbound.xml")} -s alice -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 " +
            $"-m 1 -d {pauseMs} -key rtpport {tone.Port} -timeout 60s -timeout_error", TimeSpan.FromSeconds(70), stop);

    private static async Task AnswerAsync(ChromiumDriver browser, int page)
    {
        await browser.WaitEventAsync(page, TimeSpan.FromSeconds(15), 0, "incoming");
        await browser.WaitStateAsync(page, E2e.Step, "incoming");
        await browser.ClickAsync(page, "#accept");
        await browser.WaitStateAsync(page, E2e.Step, "active");
    }

    private static async Task<string> WaitForRecordingAsync(string folder, bool finished)
    {
        string? wav = null;
        await WaitUntilAsync(() =>
        {
            wav = Directory.GetFiles(folder, "*.wav", SearchOption.AllDirectories).FirstOrDefault();
            return wav is not null && (!finished || ReadHeader(wav) == new FileInfo(wav).Length - HeaderBytes);
        }, TimeSpan.FromSeconds(15), finished ? "a finished recording" : "a recording");
        return wav!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"not within {timeout}: {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>The data chunk's size from a 44-byte PCM WAV header (RIFF, fmt stereo 16-bit 8 kHz, data).</summary>
    private static int ReadHeader(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (file.Read(header) < HeaderBytes) return -1;
        Assert.Equal("RIFF"u8.ToArray(), header[..4].ToArray());
        Assert.Equal("WAVE"u8.ToArray(), header[8..12].ToArray());
        Assert.Equal(2, BinaryPrimitives.ReadInt16LittleEndian(header[22..]));   // channels
        Assert.Equal(8000, BinaryPrimitives.ReadInt32LittleEndian(header[24..])); // sample rate
        Assert.Equal("data"u8.ToArray(), header[36..40].ToArray());
        return BinaryPrimitives.ReadInt32LittleEndian(header[40..]);
    }

    private static (int HeaderDataBytes, short[] Samples) Read(string path)
    {
        var header = ReadHeader(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var bytes = new byte[file.Length - HeaderBytes];
        file.Position = HeaderBytes;
        file.ReadExactly(bytes);
        var samples = new short[bytes.Length / 2];
        for (var i = 0; i < samples.Length; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(i * 2));
        return (header, samples);
    }

    private static short[] Channel(short[] interleaved, int channel) =>
        [.. Enumerable.Range(0, interleaved.Length / 2).Select(i => interleaved[i * 2 + channel])];

    /// <summary>Power at <paramref name="hz"/> over the whole channel (Goertzel, 8 kHz).</summary>
    internal static double Goertzel(short[] samples, double hz)
    {
        var k = 2 * Math.Cos(2 * Math.PI * hz / 8000);
        double s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            var s = x + k * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        return s1 * s1 + s2 * s2 - k * s1 * s2;
    }

    private static double Rms(short[] samples) => samples.Length == 0 ? 0 : Math.Sqrt(samples.Average(x => (double)x * x));
}
