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

    [SkippableTheory]
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

    [SkippableTheory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80, "SRTP_AES128_CM_SHA1_80")]
    [InlineData(SrtpProfile.AeadAes128Gcm, "SRTP_AEAD_AES_128_GCM")]
    public async Task OpenSslClient_AgainstOurServer_ExportsTheSameKeys(SrtpProfile profile, string opensslProfile)
    {
        if (!OpenSsl.IsAvailable(output)) return;
        using var cert = OpenSslCertificate.Create();
        var (dir, fingerprint) = (cert.Directory, cert.Fingerprint);
        await using var ours = UdpDtlsServer.Start(fingerprint);
        var (server, port) = (ours.Transport, ours.Port);

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
    }

    [SkippableFact]
    public async Task OpenSslClient_WithAnotherCertificate_IsRefusedByOurServer()
    {
        if (!OpenSsl.IsAvailable(output)) return;
        using var cert = OpenSslCertificate.Create();
        var dir = cert.Directory;
        await using var ours = UdpDtlsServer.Start(DtlsTestPeers.ClientCertificate.Fingerprint);
        var (server, port) = (ours.Transport, ours.Port);
        using var openssl = OpenSsl.Start($"s_client -dtls1_2 -connect 127.0.0.1:{port} -cert cert.pem -key key.pem " +
            "-use_srtp SRTP_AES128_CM_SHA1_80", dir);

        var e = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.Completion.WaitAsync(Bound));
        Assert.Contains("does not match its a=fingerprint", e.Message);
        var text = await openssl.FinishAsync(TimeSpan.FromSeconds(5));
        output.WriteLine(text);
        Assert.Contains("bad certificate", text);
    }

    [SkippableFact]
    public async Task OpenSslClient_WithoutACertificate_IsRefusedByOurServer()
    {
        // WebRTC authenticates both ends (RFC 5763 §5): the server requires a client certificate.
        if (!OpenSsl.IsAvailable(output)) return;
        await using var ours = UdpDtlsServer.Start(DtlsTestPeers.ClientCertificate.Fingerprint);
        var (server, port) = (ours.Transport, ours.Port);
        using var openssl = OpenSsl.Start($"s_client -dtls1_2 -connect 127.0.0.1:{port} -use_srtp SRTP_AES128_CM_SHA1_80",
            Path.GetTempPath());

        var e = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.Completion.WaitAsync(Bound));
        Assert.Contains("sent no certificate", e.Message);
        output.WriteLine(await openssl.FinishAsync(TimeSpan.FromSeconds(5)));
    }

    /// <summary>The exported block in RFC 5764 §4.2 order, as openssl prints it.</summary>
    private static string Material(DtlsSrtpKeys k) =>
        Convert.ToHexString([.. k.ClientWriteKey, .. k.ServerWriteKey, .. k.ClientWriteSalt, .. k.ServerWriteSalt]);

    /// <summary>Our DTLS server on a loopback UDP socket; it answers whoever sent the last datagram (openssl's port).</summary>
    private sealed class UdpDtlsServer : IAsyncDisposable
    {
        private readonly Socket _socket = DtlsSrtpUdpTests.Bind();
        private readonly CancellationTokenSource _stop = new(Bound);
        private IPEndPoint? _peer;
        private Task _loop = Task.CompletedTask;

        private UdpDtlsServer(string peerFingerprint) =>
            Transport = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, true, "sha-256", peerFingerprint,
                d => _socket.SendTo(d.Span, SocketFlags.None, Volatile.Read(ref _peer)!));

        public DtlsSrtpTransport Transport { get; }
        public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

        public static UdpDtlsServer Start(string peerFingerprint)
        {
            var server = new UdpDtlsServer(peerFingerprint);
            server._loop = server.ReceiveLoop();
            server.Transport.Start();
            return server;
        }

        private async Task ReceiveLoop()
        {
            var buffer = new byte[4096];
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var r = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                    Volatile.Write(ref _peer, (IPEndPoint)r.RemoteEndPoint);
                    Transport.OnDatagram(buffer.AsSpan(0, r.ReceivedBytes));
                }
            }
            catch (OperationCanceledException) { }
            catch (SocketException) { }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _loop;
            Transport.Dispose();
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}
