using System.Net;
using Gateway.Media.Bridge;
using Gateway.Media.Dtls;
using Gateway.Media.Net;

namespace Gateway.Media.Tests.Bridge;

internal static class BridgeHarness
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    /// <summary>An engine on loopback with ephemeral ports (0..0), so parallel runs never collide.</summary>
    public static MediaEngine Engine(TimeProvider? time = null, int portMin = 0, int portMax = 0, int sharedWebPort = 0,
        TimeSpan? rtpTimeout = null, TimeSpan? connectTimeout = null, bool realCertificate = false, MediaIoMode ioMode = MediaIoMode.Auto) =>
        new(new MediaEngineOptions
        {
            BindAddress = IPAddress.Loopback,
            PortMin = portMin,
            PortMax = portMax,
            SharedWebPort = sharedWebPort,
            RtpTimeout = rtpTimeout ?? TimeSpan.FromSeconds(30),
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(20),
            IoMode = ioMode,
        }, null, time, realCertificate ? null : TestCertificate);

    private static readonly Lazy<DtlsCertificate> Certificate = new(DtlsCertificate.Generate);

    /// <summary>One certificate for most tests (generation is the slow part of an engine).</summary>
    public static DtlsCertificate TestCertificate => Certificate.Value;

    /// <summary>ICE over real loopback UDP, then SRTP keys as if DTLS had run (the gateway is the DTLS server).</summary>
    public static async Task ConnectAsync(MediaSession session, FakeBrowser browser)
    {
        session.Web.Agent.SetRemoteCredentials(browser.Ice);
        await browser.ConnectIceAsync(session);
        var keys = FakeBrowser.RandomKeys();
        session.Web.InstallKeys(keys, isServer: true);
        browser.UseKeys(keys);
        session.OnWebConnected();
    }

    public static MediaCodecMapping Pcmu(int? webTe = 111, int? sipTe = 101) => new(0, 0, 8000, webTe, sipTe);

    /// <summary>Waits until <paramref name="condition"/> holds (polling), or fails.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var end = DateTime.UtcNow + (timeout ?? Wait);
        while (!condition())
        {
            if (DateTime.UtcNow > end) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(10);
        }
    }
}
