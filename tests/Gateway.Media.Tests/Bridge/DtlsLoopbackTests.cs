using Gateway.Media.Bridge;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

/// <summary>ICE + DTLS-SRTP + relay end to end over loopback UDP, the browser built from the library.</summary>
public sealed class DtlsLoopbackTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FullHandshake_ThenMediaBothWays(bool gatewayIsDtlsServer)
    {
        await using var engine = Engine(realCertificate: true);
        await using var session = engine.CreateSession();
        using var browser = new FakeBrowser();
        using var trunk = new FakeTrunk();
        await DtlsBrowser.ConnectAsync(session, browser, gatewayIsDtlsServer);
        Assert.True(session.IsConnected);
        session.ConfigureSip(trunk.EndPoint, Pcmu());

        browser.SendAudio(session, 0, fill: 0x61);
        var atTrunk = await trunk.ReceiveRtpAsync(Wait);
        Assert.NotNull(atTrunk);
        Assert.Equal(0x61, atTrunk[^1]);
        trunk.Send(session, trunk.Rtp(0, fill: 0x62));
        var atBrowser = await browser.ReceiveRtpAsync(Wait);
        Assert.NotNull(atBrowser);
        Assert.Equal(0x62, atBrowser[^1]);
        Assert.Equal(0, engine.DtlsFailures);
    }

    [Fact]
    public async Task WrongFingerprint_EndsWithDtlsFailed()
    {
        await using var engine = Engine(realCertificate: true);
        await using var session = engine.CreateSession();
        using var browser = new FakeBrowser();
        var ended = new TaskCompletionSource<MediaEndReason>();
        session.Ended += (_, r) => ended.TrySetResult(r);
        var wrong = string.Join(':', Enumerable.Repeat("AB", 32));
        await Assert.ThrowsAnyAsync<Exception>(() => DtlsBrowser.ConnectAsync(session, browser, gatewayIsDtlsServer: true, wrong));
        Assert.Equal(MediaEndReason.DtlsFailed, await ended.Task.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(1, engine.DtlsFailures);
        Assert.False(session.IsConnected);
    }

    [Fact]
    public async Task NoBrowser_EndsWithConnectTimeout()
    {
        var clock = new ManualClock();
        await using var engine = Engine(clock, connectTimeout: TimeSpan.FromSeconds(20));
        await using var session = engine.CreateSession();
        var ended = new List<MediaEndReason>();
        session.Ended += (_, r) => ended.Add(r);
        session.ConfigureWeb(new Gateway.Media.Ice.IceCredentials("abcd", "0123456789012345678901"), "sha-256",
            DtlsBrowser.Certificate.Fingerprint, gatewayIsDtlsServer: true);
        clock.Advance(TimeSpan.FromSeconds(19), TimeSpan.FromSeconds(1));
        Assert.Empty(ended);
        clock.Advance(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));
        Assert.Equal([MediaEndReason.ConnectTimeout], ended);
    }
}
