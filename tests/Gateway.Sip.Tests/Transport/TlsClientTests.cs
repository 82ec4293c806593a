using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gateway.Sip.Messages;
using Gateway.Sip.Tests.Protection;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Tests.Transport;

/// <summary>
/// The TLS client toward trunks against a local SslStream server whose certificate a test CA issued: the right CA is
/// accepted with SNI = the trunk host, a wrong CA or a wrong name is refused and logged with the reason, one connection
/// carries requests and responses both ways, and a dropped connection is opened again by the next request.
/// </summary>
public sealed class TlsClientTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TestCertificateAuthority _ca = new("Gateway Test CA");
    private readonly X509Certificate2 _serverCertificate;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CapturingLogger _log = new();
    private int _accepted;

    public TlsClientTests()
    {
        _serverCertificate = _ca.Issue("sip.carrier.test");
        _listener.Start();
    }

    private IPEndPoint Server => (IPEndPoint)_listener.LocalEndpoint;

    private TcpSipTransport Client(SipTlsPeer peer) =>
        TcpSipTransport.TlsClientOnly(new IPEndPoint(IPAddress.Loopback, 0), new SipTransportOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }, _log,
            (remote, _) => ValueTask.FromResult<SipTlsPeer?>(remote.Equals(Server) ? peer : null));

    private static SipRequest Options(int n)
    {
        var text = $"OPTIONS sip:carrier@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKtls{n}\r\nMax-Forwards: 70\r\n" +
            $"From: <sip:gw@127.0.0.1>;tag=a\r\nTo: <sip:carrier@127.0.0.1>\r\nCall-ID: tls{n}\r\nCSeq: {n} OPTIONS\r\nContent-Length: 0\r\n\r\n";
        Assert.True(SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), 65535, out var message, out var error), error?.ToString());
        return (SipRequest)message!;
    }

    /// <summary>Accepts one TLS connection; returns the stream and the SNI the client sent.</summary>
    private async Task<(SslStream Stream, string Sni)> AcceptAsync()
    {
        var socket = await _listener.AcceptSocketAsync().WaitAsync(Wait);
        Interlocked.Increment(ref _accepted);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
        string sni = "";
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificateSelectionCallback = (_, name) => { sni = name ?? ""; return _serverCertificate; },
        }).WaitAsync(Wait);
        return (tls, sni);
    }

    private static async Task<string> ReadMessageAsync(Stream stream)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n\r\n"))
        {
            var n = await stream.ReadAsync(buffer).AsTask().WaitAsync(Wait);
            if (n == 0) break;
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    [Fact]
    public async Task RightCa_IsAccepted_WithSni_AndOneConnectionCarriesBothWays()
    {
        await using var client = Client(new SipTlsPeer("carrier", "sip.carrier.test", _ca.Roots));
        var received = new TaskCompletionSource<SipInbound>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Start(m => received.TrySetResult(m));
        var accept = AcceptAsync();
        var sent = client.SendAsync(Options(1), Server).AsTask();
        var (stream, sni) = await accept;
        await using var _ = stream;
        Assert.True(await sent.WaitAsync(Wait));
        Assert.Equal("sip.carrier.test", sni);
        Assert.StartsWith("OPTIONS sip:carrier@127.0.0.1", await ReadMessageAsync(stream));

        // The response comes back on the same connection, and the next request reuses it.
        await stream.WriteAsync("SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKtls1\r\nFrom: <sip:gw@127.0.0.1>;tag=a\r\nTo: <sip:carrier@127.0.0.1>;tag=b\r\nCall-ID: tls1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        var response = await received.Task.WaitAsync(Wait);
        Assert.Equal(SipTransportProtocol.Tls, response.Source.Protocol);
        Assert.True(await client.SendAsync(Options(2), Server).AsTask().WaitAsync(Wait));
        Assert.Contains("CSeq: 2 OPTIONS", await ReadMessageAsync(stream));
        Assert.Equal(1, Volatile.Read(ref _accepted));
        Assert.DoesNotContain(_log.Lines, l => l.EventId == 1150);
    }

    [Fact]
    public async Task WrongCa_IsRefused_AndLoggedWithTrunkHostAndReason()
    {
        using var other = new TestCertificateAuthority("Some Other CA");
        await using var client = Client(new SipTlsPeer("carrier", "sip.carrier.test", other.Roots));
        client.Start(_ => { });
        var accept = AcceptAsync();
        Assert.False(await client.SendAsync(Options(1), Server).AsTask().WaitAsync(Wait));
        try { (await accept).Stream.Dispose(); } catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
        var line = Assert.Single(_log.Lines, l => l.EventId == 1150).Message;
        Assert.Contains("carrier", line);
        Assert.Contains("sip.carrier.test", line);
        Assert.Contains("does not chain to the trunk's tls_ca", line);
    }

    [Fact]
    public async Task WrongName_IsRefused_AndLogged()
    {
        await using var client = Client(new SipTlsPeer("carrier", "sip.elsewhere.test", _ca.Roots));
        client.Start(_ => { });
        var accept = AcceptAsync();
        Assert.False(await client.SendAsync(Options(1), Server).AsTask().WaitAsync(Wait));
        try { (await accept).Stream.Dispose(); } catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
        Assert.Contains("does not name sip.elsewhere.test", Assert.Single(_log.Lines, l => l.EventId == 1150).Message);
    }

    [Fact]
    public async Task NoCaFile_UsesTheSystemStore_WhichDoesNotKnowTheTestCa()
    {
        await using var client = Client(new SipTlsPeer("carrier", "sip.carrier.test", null));
        client.Start(_ => { });
        var accept = AcceptAsync();
        Assert.False(await client.SendAsync(Options(1), Server).AsTask().WaitAsync(Wait));
        try { (await accept).Stream.Dispose(); } catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
        Assert.Contains("system trust store", Assert.Single(_log.Lines, l => l.EventId == 1150).Message);
    }

    [Fact]
    public async Task AfterADrop_TheNextRequestConnectsAgain()
    {
        await using var client = Client(new SipTlsPeer("carrier", "sip.carrier.test", _ca.Roots));
        client.Start(_ => { });
        var accept = AcceptAsync();
        Assert.True(await client.SendAsync(Options(1), Server).AsTask().WaitAsync(Wait));
        var (first, _) = await accept;
        await ReadMessageAsync(first);
        await first.DisposeAsync(); // the trunk closes the connection

        var end = DateTime.UtcNow + Wait; // the client notices the close on its receive loop
        while (client.ConnectionCount > 0 && DateTime.UtcNow < end) await Task.Delay(10);
        var again = AcceptAsync();
        Assert.True(await client.SendAsync(Options(2), Server).AsTask().WaitAsync(Wait));
        var (second, _) = await again;
        await using var __ = second;
        Assert.Contains("CSeq: 2 OPTIONS", await ReadMessageAsync(second));
        Assert.Equal(2, Volatile.Read(ref _accepted));
    }

    [Fact]
    public async Task ConcurrentSends_OpenOneConnection()
    {
        await using var client = Client(new SipTlsPeer("carrier", "sip.carrier.test", _ca.Roots));
        client.Start(_ => { });
        var accept = AcceptAsync();
        var sends = Enumerable.Range(1, 8).Select(n => client.SendAsync(Options(n), Server).AsTask()).ToArray();
        var (stream, _) = await accept;
        await using var _ = stream;
        Assert.All(await Task.WhenAll(sends).WaitAsync(Wait), Assert.True);
        Assert.Equal(1, client.ConnectionCount);
        Assert.Equal(1, Volatile.Read(ref _accepted));
    }

    [Fact]
    public async Task ClientOnlyTransport_RefusesInboundConnections()
    {
        await using var client = Client(new SipTlsPeer("carrier", "sip.carrier.test", _ca.Roots));
        client.Start(_ => { });
        Assert.Equal(SipTransportProtocol.Tls, client.Protocol);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(client.LocalEndPoint).WaitAsync(Wait);
        var n = await tcp.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(Wait);
        Assert.Equal(0, n); // closed at once: there is no certificate to present
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _serverCertificate.Dispose();
        _ca.Dispose();
        await Task.CompletedTask;
    }
}
