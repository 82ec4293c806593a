using System.Net;
using System.Net.Sockets;
using Gateway.Media.Dtls;
using Gateway.Media.Srtp;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Media.Tests.Dtls;

/// <summary>
/// Interop with openssl 3.x over loopback UDP: our client against `openssl s_server`, our server against
/// `openssl s_client`, both with use_srtp; the keying material openssl exports (EXTRACTOR-dtls_srtp,
/// RFC 5764 §4.2) must equal ours, laid out as client key | server key | client salt | server salt.
/// </summary>
public sealed class DtlsOpenSslInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80, "SRTP_AES128_CM_SHA1_80")]
    [InlineData(SrtpProfile.AesCm128HmacSha1_32, "SRTP_AES128_CM_SHA1_32")]
    [InlineData(SrtpProfile.AeadAes128Gcm, "SRTP_AEAD_AES_128_GCM")]
    public async Task OurClient_AgainstOpenSslServer_ExportsTheSameKeys(SrtpProfile profile, string opensslProfile)
    {
        if (!OpenSsl.IsAvailable(output)) return;
        using var cert = OpenSslCertificate.Create();
        var (dir, fingerprint) = (cert.Directory, cert.Fingerprint);
        int port = OpenSsl.FreeUdpPort();
        int length = DtlsSrtpProtocol.KeyingMaterialLength(profile);
        using var openssl = OpenSsl.Start($"s_server -dtls1_2 -accept 127.0.0.1:{port} -naccept 1 -cert cert.pem -key key.pem " +
            $"-verify 1 -use_srtp {opensslProfile} -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen {length}", dir);
        Assert.True(await openssl.WaitForAsync("ACCEPT", Bound), openssl.Output);

        using var socket = DtlsSrtpUdpTests.Bind();
        var server = new IPEndPoint(IPAddress.Loopback, port);
        using var client = new DtlsSrtpTransport(DtlsTestPeers.ClientCertificate, false, "sha-256", fingerprint,
            d => socket.SendTo(d.Span, SocketFlags.None, server));
        using var cts = new CancellationTokenSource(Bound);
        var loop = DtlsSrtpUdpTests.ReceiveLoop(socket, client, cts.Token);
        client.Start();
        var keys = await client.Completion.WaitAsync(Bound);

        Assert.Equal(profile, keys.Profile);
        Assert.True(await openssl.WaitForAsync("Keying material: ", Bound), openssl.Output);
        client.Dispose(); // close_notify ends s_server's connection
        var text = await openssl.FinishAsync(TimeSpan.FromSeconds(5));
        output.WriteLine(text);
        Assert.Contains($"SRTP Extension negotiated, profile={opensslProfile}", text);
        Assert.Equal(openssl.KeyingMaterial(), Material(keys));
        cts.Cancel();
        await loop;
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80, "SRTP_AES128_CM_SHA1_80")]
    [InlineData(SrtpProfile.AeadAes128Gcm, "SRTP_AEAD_AES_128_GCM")]
    public async Task OpenSslClient_AgainstOurServer_ExportsTheSameKeys(SrtpProfile profile, string opensslProfile)
    {
        if (!OpenSsl.IsAvailable(output)) return;
        using var cert = OpenSslCertificate.Create();
        var (dir, fingerprint) = (cert.Directory, cert.Fingerprint);
        using var socket = DtlsSrtpUdpTests.Bind();
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        IPEndPoint? peer = null;
        using var server = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, true, "sha-256", fingerprint,
            d => socket.SendTo(d.Span, SocketFlags.None, Volatile.Read(ref peer)!));
        using var cts = new CancellationTokenSource(Bound);
        var loop = ReceiveLoopLearningPeer(socket, server, ep => Volatile.Write(ref peer, ep), cts.Token);
        server.Start();

        int length = DtlsSrtpProtocol.KeyingMaterialLength(profile);
        using var openssl = OpenSsl.Start($"s_client -dtls1_2 -connect 127.0.0.1:{port} -cert cert.pem -key key.pem " +
            $"-use_srtp {opensslProfile} -keymatexport EXTRACTOR-dtls_srtp -keymatexportlen {length}", dir);
        var keys = await server.Completion.WaitAsync(Bound);
        Assert.Equal(profile, keys.Profile);
        Assert.True(await openssl.WaitForAsync("Keying material: ", Bound), openssl.Output);
        var text = await openssl.FinishAsync(TimeSpan.FromSeconds(5));
        output.WriteLine(text);
        Assert.Contains("Extended master secret: yes", text);
        Assert.Contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256", text);
        Assert.Equal(openssl.KeyingMaterial(), Material(keys));
        cts.Cancel();
        await loop;
    }

    [Fact]
    public async Task OpenSslClient_WithAnotherCertificate_IsRefusedByOurServer()
    {
        if (!OpenSsl.IsAvailable(output)) return;
        using var cert = OpenSslCertificate.Create();
        var dir = cert.Directory;
        using var socket = DtlsSrtpUdpTests.Bind();
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        IPEndPoint? peer = null;
        using var server = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, true, "sha-256",
            DtlsTestPeers.ClientCertificate.Fingerprint, d => socket.SendTo(d.Span, SocketFlags.None, Volatile.Read(ref peer)!));
        using var cts = new CancellationTokenSource(Bound);
        var loop = ReceiveLoopLearningPeer(socket, server, ep => Volatile.Write(ref peer, ep), cts.Token);
        server.Start();
        using var openssl = OpenSsl.Start($"s_client -dtls1_2 -connect 127.0.0.1:{port} -cert cert.pem -key key.pem " +
            "-use_srtp SRTP_AES128_CM_SHA1_80", dir);

        var e = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.Completion.WaitAsync(Bound));
        Assert.Contains("does not match its a=fingerprint", e.Message);
        var text = await openssl.FinishAsync(TimeSpan.FromSeconds(5));
        output.WriteLine(text);
        Assert.Contains("bad certificate", text);
        cts.Cancel();
        await loop;
    }

    [Fact]
    public async Task OpenSslClient_WithoutACertificate_IsRefusedByOurServer()
    {
        // WebRTC authenticates both ends (RFC 5763 §5): the server requires a client certificate.
        if (!OpenSsl.IsAvailable(output)) return;
        using var socket = DtlsSrtpUdpTests.Bind();
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        IPEndPoint? peer = null;
        using var server = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, true, "sha-256",
            DtlsTestPeers.ClientCertificate.Fingerprint, d => socket.SendTo(d.Span, SocketFlags.None, Volatile.Read(ref peer)!));
        using var cts = new CancellationTokenSource(Bound);
        var loop = ReceiveLoopLearningPeer(socket, server, ep => Volatile.Write(ref peer, ep), cts.Token);
        server.Start();
        using var openssl = OpenSsl.Start($"s_client -dtls1_2 -connect 127.0.0.1:{port} -use_srtp SRTP_AES128_CM_SHA1_80",
            Path.GetTempPath());

        var e = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.Completion.WaitAsync(Bound));
        Assert.Contains("sent no certificate", e.Message);
        output.WriteLine(await openssl.FinishAsync(TimeSpan.FromSeconds(5)));
        cts.Cancel();
        await loop;
    }

    /// <summary>The exported block in RFC 5764 §4.2 order, as openssl prints it.</summary>
    private static string Material(DtlsSrtpKeys k) =>
        Convert.ToHexString([.. k.ClientWriteKey, .. k.ServerWriteKey, .. k.ClientWriteSalt, .. k.ServerWriteSalt]);

    private static async Task ReceiveLoopLearningPeer(Socket socket, DtlsSrtpTransport transport, Action<IPEndPoint> learn,
        CancellationToken ct)
    {
        var buffer = new byte[4096];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var r = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), ct);
                learn((IPEndPoint)r.RemoteEndPoint);
                transport.OnDatagram(buffer.AsSpan(0, r.ReceivedBytes));
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
    }
}
