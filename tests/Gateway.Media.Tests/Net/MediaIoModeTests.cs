using Gateway.Media.Bridge;
using Gateway.Media.Net;
using Gateway.Media.Net.Batched;
using Gateway.Media.Tests.Bridge;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Net;

/// <summary>The relay works the same on both I/O paths; the options are checked when the engine starts.</summary>
public sealed class MediaIoModeTests
{
    public static TheoryData<MediaIoMode> Modes() => LinuxSockets.Supported ? [MediaIoMode.Portable, MediaIoMode.Batched] : [MediaIoMode.Portable];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Relay_BothWays_OnEachIoPath(MediaIoMode mode)
    {
        await using var call = await BridgedCall.StartAsync(engine: Engine(ioMode: mode));
        var (engine, session, browser, trunk) = call;
        Assert.Equal(mode, engine.IoMode);
        for (int i = 0; i < 10; i++)
        {
            browser.SendAudio(session, 0);
            Assert.NotNull(await trunk.ReceiveRtpAsync(Wait));
            trunk.Send(session, trunk.Rtp(0));
            Assert.NotNull(await browser.ReceiveRtpAsync(Wait));
        }
        await EventuallyAsync(() => engine.PacketsRelayed == 20, "20 relayed");
        if (mode == MediaIoMode.Batched) Assert.True(engine.IoStats.DatagramsSent >= 20);
        else Assert.Equal(default, engine.IoStats);
    }

    [Fact]
    public void Auto_IsBatchedOnLinux64_AndPortableElsewhere()
    {
        var expected = LinuxSockets.Supported ? MediaIoMode.Batched : MediaIoMode.Portable;
        Assert.Equal(expected, new MediaEngineOptions().EffectiveIoMode);
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(MediaEngineOptions.MaxIoThreads + 1, 1)]
    [InlineData(0, 11)]
    [InlineData(0, -1)]
    public void OutOfRangeIoSettings_AreRefusedAtStart(int threads, int tickMs)
    {
        var options = new MediaEngineOptions { IoThreads = threads, IoTick = TimeSpan.FromMilliseconds(tickMs) };
        Assert.NotNull(options.Validate());
        Assert.Throws<ArgumentException>(() => new MediaEngine(options, null, null, TestCertificate));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(0, 2)]
    public void BatchedOnlySettings_WithThePortableMode_AreRefused(int threads, int tickMs) =>
        Assert.NotNull(new MediaEngineOptions { IoMode = MediaIoMode.Portable, IoThreads = threads, IoTick = TimeSpan.FromMilliseconds(tickMs) }.Validate());

    [Fact]
    public void UnknownIoMode_IsRefused() => Assert.NotNull(new MediaEngineOptions { IoMode = (MediaIoMode)7 }.Validate());
}
