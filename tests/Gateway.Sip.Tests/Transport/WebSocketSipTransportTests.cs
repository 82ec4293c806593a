using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Gateway.Sip.Messages;
using Gateway.Sip.Registrar;
using Gateway.Sip.Stack;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Tests.Transport;

/// <summary>RFC 7118 over a real WebSocket pair on loopback: one SIP message per frame, keep-alive, bounds, responses over the connection.</summary>
public sealed class WebSocketSipTransportTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>A client WebSocket connected to a server WebSocket served by <paramref name="transport"/>.</summary>
    private static async Task<(WebSocket Client, IPEndPoint Remote, Task Served)> ConnectAsync(WebSocketSipTransport transport)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var connect = client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var accepted = await listener.AcceptTcpClientAsync();
        await connect;
        var remote = (IPEndPoint)accepted.Client.RemoteEndPoint!;
        var server = WebSocket.CreateFromStream(accepted.GetStream(), new WebSocketCreationOptions { IsServer = true, SubProtocol = "sip" });
        var slot = transport.TryReserve(remote.Address)!;
        var served = transport.ServeAsync(server, remote, slot, CancellationToken.None);
        return (WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false, SubProtocol = "sip" }), remote, served);
    }

    private static Task Send(WebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<(string? Text, WebSocketCloseStatus? Close)> Receive(WebSocket ws)
    {
        var buffer = new byte[70000];
        using var timeout = new CancellationTokenSource(Step);
        var length = 0;
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            if (r.MessageType == WebSocketMessageType.Close) return (null, ws.CloseStatus);
            length += r.Count;
            if (r.EndOfMessage) return (Encoding.UTF8.GetString(buffer, 0, length), null);
        }
    }

    private const string Options =
        "OPTIONS sip:gateway.local SIP/2.0\r\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks\r\nMax-Forwards: 70\r\n" +
        "From: <sip:alice@gateway.local>;tag=1\r\nTo: <sip:gateway.local>\r\nCall-ID: ws1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    [Fact]
    public async Task A_request_in_a_frame_is_answered_over_the_same_connection_not_to_the_invalid_via_host()
    {
        await using var stack = new SipStack();
        var transport = new WebSocketSipTransport(secure: true, new IPEndPoint(IPAddress.Loopback, 8443));
        stack.AddTransport(transport);
        SipEndPoint? source = null;
        stack.RequestReceived += incoming => { source = incoming.Source; incoming.Respond(200); };
        var (client, remote, _) = await ConnectAsync(transport);

        await Send(client, Options);
        var (text, _) = await Receive(client);
        Assert.StartsWith("SIP/2.0 200", text);
        Assert.Contains("df7jal23ls0d.invalid;branch=z9hG4bK56sdasks;received=127.0.0.1", text); // §18.2.1: received stamped, Via kept
        Assert.Equal(new SipEndPoint(SipTransportProtocol.Wss, remote), source);
    }

    [Fact]
    public async Task A_double_crlf_keep_alive_gets_a_crlf()
    {
        var transport = new WebSocketSipTransport(secure: true, new IPEndPoint(IPAddress.Loopback, 8443));
        transport.Start(_ => { });
        var (client, _, _) = await ConnectAsync(transport);
        await Send(client, "\r\n\r\n");
        Assert.Equal("\r\n", (await Receive(client)).Text);
    }

    [Fact]
    public async Task A_malformed_message_is_dropped_and_the_connection_stays()
    {
        var received = new List<SipMessage>();
        var transport = new WebSocketSipTransport(secure: false, new IPEndPoint(IPAddress.Loopback, 8080));
        transport.Start(m => { lock (received) received.Add(m.Message); });
        var (client, _, _) = await ConnectAsync(transport);
        await Send(client, "NOT SIP AT ALL\r\n\r\n");
        await Send(client, "\r\n\r\n"); // still served: the keep-alive is answered
        Assert.Equal("\r\n", (await Receive(client)).Text);
        Assert.Empty(received);
        Assert.Equal(SipTransportProtocol.Ws, transport.Protocol);
    }

    [Fact]
    public async Task A_message_over_the_size_bound_closes_with_1009()
    {
        var transport = new WebSocketSipTransport(secure: true, new IPEndPoint(IPAddress.Loopback, 8443), new SipTransportOptions { MaxMessageSize = 1024 });
        transport.Start(_ => { });
        var (client, _, served) = await ConnectAsync(transport);
        await Send(client, Options + new string('x', 2000));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, (await Receive(client)).Close);
        await served.WaitAsync(Step);
        Assert.Equal(0, transport.ConnectionCount);
    }

    [Fact]
    public void Connections_are_bounded_per_source_and_in_total()
    {
        var transport = new WebSocketSipTransport(secure: true, new IPEndPoint(IPAddress.Loopback, 8443),
            new SipTransportOptions { MaxConnections = 3, MaxConnectionsPerSource = 2 });
        var a = IPAddress.Parse("198.51.100.1");
        var first = transport.TryReserve(a);
        Assert.NotNull(first);
        Assert.NotNull(transport.TryReserve(a));
        Assert.Null(transport.TryReserve(a));
        Assert.NotNull(transport.TryReserve(IPAddress.Parse("198.51.100.2")));
        Assert.Null(transport.TryReserve(IPAddress.Parse("198.51.100.3")));
        first!.Dispose();
        first.Dispose(); // once only
        Assert.Equal(2, transport.ConnectionCount);
        Assert.NotNull(transport.TryReserve(IPAddress.Parse("198.51.100.3")));
    }

    [Fact]
    public async Task Sending_to_a_peer_without_a_connection_fails_instead_of_dialing()
    {
        var transport = new WebSocketSipTransport(secure: true, new IPEndPoint(IPAddress.Loopback, 8443));
        var request = SipRequest.Create(SipMethods.Options, SipUri.Parse("sip:x.invalid;transport=ws"));
        Assert.False(await transport.SendAsync(request, new IPEndPoint(IPAddress.Loopback, 9)));
    }

    [Fact]
    public async Task A_binding_registered_over_websocket_records_the_connection_as_its_flow()
    {
        await using var stack = new SipStack();
        var transport = new WebSocketSipTransport(secure: true, new IPEndPoint(IPAddress.Loopback, 8443));
        stack.AddTransport(transport);
        var f = new Registrar.RegistrarFixture();
        stack.RequestReceived += f.Registrar.Handle;
        var (client, remote, _) = await ConnectAsync(transport);
        const string contact = "<sip:k3l2j4@df7jal23ls0d.invalid;transport=ws>;+sip.instance=\"<urn:uuid:8b1c>\";reg-id=1";
        await Send(client, Register(1, null, contact));
        var (challenge, _) = await Receive(client);
        Assert.StartsWith("SIP/2.0 401", challenge);
        var www = challenge!.Split("\r\n").First(l => l.StartsWith("WWW-Authenticate: Digest", StringComparison.Ordinal))["WWW-Authenticate: ".Length..];
        Assert.True(new Gateway.Sip.Auth.DigestClient("alice", "alice-pw").TryAnswer(www, "REGISTER", "sip:gw.example", out var credentials));
        await Send(client, Register(2, credentials, contact));
        Assert.StartsWith("SIP/2.0 200", (await Receive(client)).Text);
        var binding = Assert.Single(f.Store.Lookup("sip:alice@gw.example"));
        Assert.Equal(new SipEndPoint(SipTransportProtocol.Wss, remote), binding.Flow.Remote);

        // A request to the binding goes over that connection (RFC 5626 §5.3): the transport finds it by the flow.
        var notify = SipRequest.Create(SipMethods.Options, SipUri.Parse("sip:k3l2j4@df7jal23ls0d.invalid;transport=ws"));
        Assert.True(await stack.TransportFor(binding.Flow.Remote.Protocol, remote.AddressFamily).SendAsync(notify, binding.Flow.Remote.Address));
        Assert.StartsWith("OPTIONS sip:k3l2j4@df7jal23ls0d.invalid", (await Receive(client)).Text);
    }

    private static string Register(int cseq, string? authorization, string contact) =>
        $"REGISTER sip:gw.example SIP/2.0\r\nVia: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKreg{cseq}\r\nMax-Forwards: 70\r\n" +
        $"From: <sip:alice@gw.example>;tag=a1\r\nTo: <sip:alice@gw.example>\r\nCall-ID: wsreg\r\nCSeq: {cseq} REGISTER\r\n" +
        $"Contact: {contact}\r\nExpires: 600\r\n" + (authorization is null ? "" : $"Authorization: {authorization}\r\n") + "Content-Length: 0\r\n\r\n";
}
