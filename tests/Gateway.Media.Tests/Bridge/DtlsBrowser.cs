using System.Net.Sockets;
using Gateway.Media.Bridge;
using Gateway.Media.Dtls;

namespace Gateway.Media.Tests.Bridge;

/// <summary>Runs the browser's side of ICE + DTLS-SRTP (RFC 5763/5764) with the library's own transport.</summary>
internal static class DtlsBrowser
{
    private static DtlsCertificate? _certificate;
    public static DtlsCertificate Certificate => _certificate ??= DtlsCertificate.Generate();

    /// <summary>Configures the session for this browser, runs ICE then DTLS in the role opposite the gateway's,
    /// installs the browser's SRTP keys and returns them.</summary>
    public static async Task<DtlsSrtpKeys> ConnectAsync(MediaSession session, FakeBrowser browser, bool gatewayIsDtlsServer,
        string? fingerprintGatewayExpects = null)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Connected += _ => connected.TrySetResult();
        session.ConfigureWeb(browser.Ice, DtlsCertificate.FingerprintAlgorithm, fingerprintGatewayExpects ?? Certificate.Fingerprint, gatewayIsDtlsServer);

        var gateway = session.WebEndPoint;
        using var dtls = new DtlsSrtpTransport(Certificate, isServer: !gatewayIsDtlsServer, DtlsCertificate.FingerprintAlgorithm,
            session.Fingerprint, d => browser.Socket.SendTo(d.Span, gateway));
        using var stop = new CancellationTokenSource();
        // The pump feeds DTLS records to the browser's transport until the handshake is over.
        var pump = Task.Run(async () =>
        {
            var buf = new byte[2048];
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    int n = await browser.Socket.ReceiveAsync(buf, SocketFlags.None, stop.Token);
                    if (n > 0 && buf[0] is >= 20 and <= 63) dtls.OnDatagram(buf.AsSpan(0, n));
                }
            }
            catch (OperationCanceledException) { }
        });
        browser.Socket.SendTo(browser.Check(session.LocalIce), gateway);
        dtls.Start();
        try
        {
            var keys = await dtls.Completion.WaitAsync(TimeSpan.FromSeconds(15));
            browser.UseKeys(keys, browserIsServer: !gatewayIsDtlsServer);
            await connected.Task.WaitAsync(TimeSpan.FromSeconds(15));
            return keys;
        }
        finally
        {
            await Task.Delay(100); // let a retransmitted final flight land in the pump
            stop.Cancel();
            await pump;
        }
    }
}
