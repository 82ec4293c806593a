using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Sip.Stack;
using Gateway.Sip.Tests.Stack;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Tests.Transport;

public sealed class StreamTransportTests
{
    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    [Fact]
    public async Task CallCompletesOverTls()
    {
        using var cert = SelfSigned();
        var serverTls = new SslServerAuthenticationOptions { ServerCertificate = cert };
        // The test trusts exactly the certificate it made.
        var clientTls = new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            RemoteCertificateValidationCallback = (_, c, _, _) => c is not null && c.GetCertHashString() == cert.GetCertHashString(),
        };
        await using var server = new SipStack();
        var serverTransport = new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0), tlsServer: serverTls);
        server.AddTransport(serverTransport);
        var uas = new TestUas(server, serverTransport);
        await using var client = new SipStack();
        client.AddTransport(new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0), tlsServer: serverTls, tlsClient: clientTls));

        var result = await TestUac.CallAsync(client, new SipEndPoint(SipTransportProtocol.Tls, serverTransport.LocalEndPoint), TimeSpan.Zero)
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((200, 200), (result.Invite, result.Bye));
        Assert.Equal(SipTransportProtocol.Tls, serverTransport.Protocol);
    }

    [Fact]
    public async Task A_connection_the_peer_closes_is_reported_as_a_lost_flow()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var transport = new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        var closed = new TaskCompletionSource<SipEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        transport.ConnectionClosed += e => closed.TrySetResult(e);
        transport.Start(_ => { });
        var registrar = (IPEndPoint)listener.LocalEndpoint;
        var register = Gateway.Sip.Messages.SipRequest.Create(Gateway.Sip.Messages.SipMethods.Register, Gateway.Sip.Messages.SipUri.Parse("sip:carrier.example"));
        register.AddHeader(Gateway.Sip.Messages.SipHeaderNames.Via, "SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKflow1");
        Assert.True(await transport.SendAsync(register, registrar));
        using (var accepted = await listener.AcceptTcpClientAsync())
            accepted.Client.Shutdown(SocketShutdown.Both); // the registrar's side goes away
        Assert.Equal(new SipEndPoint(SipTransportProtocol.Tcp, registrar), await closed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task IdleConnectionsAreClosed()
    {
        await using var transport = new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0), new SipTransportOptions { IdleTimeout = TimeSpan.FromMilliseconds(200), FirstMessageTimeout = TimeSpan.FromMilliseconds(200) });
        transport.Start(_ => { });
        using var client = new TcpClient();
        await client.ConnectAsync(transport.LocalEndPoint);
        var stream = client.GetStream();
        var buffer = new byte[16];
        // The server closes the idle connection: the read completes with 0 bytes.
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, read);
    }

    [Fact]
    public async Task ConnectionLimitRefusesExtraConnections()
    {
        await using var transport = new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0), new SipTransportOptions { MaxConnections = 1 });
        transport.Start(_ => { });
        using var first = new TcpClient();
        await first.ConnectAsync(transport.LocalEndPoint);
        await WaitUntil(() => transport.ConnectionCount == 1);
        using var second = new TcpClient();
        await second.ConnectAsync(transport.LocalEndPoint);
        var read = await second.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, read);
        Assert.Equal(1, transport.ConnectionCount);
    }

    [Fact]
    public async Task UnframeableStreamClosesOnlyThatConnection()
    {
        var received = 0;
        await using var transport = new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        transport.Start(_ => Interlocked.Increment(ref received));
        using var bad = new TcpClient();
        await bad.ConnectAsync(transport.LocalEndPoint);
        await bad.GetStream().WriteAsync("OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n"u8.ToArray());
        Assert.Equal(0, await bad.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));

        using var good = new TcpClient();
        await good.ConnectAsync(transport.LocalEndPoint);
        await good.GetStream().WriteAsync("OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK2\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        await WaitUntil(() => Volatile.Read(ref received) == 1);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 250 && !condition(); i++) await Task.Delay(20);
        Assert.True(condition());
    }
}
