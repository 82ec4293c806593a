using System.Net;
using Gateway.Sip.Messages;
using Gateway.Sip.Stack;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Tests.Stack;

/// <summary>Two stacks on loopback completing calls over UDP, TCP, and IPv6.</summary>
public sealed class SipStackLoopbackTests
{
    private static ISipTransport Create(SipTransportProtocol protocol, IPAddress address) => protocol == SipTransportProtocol.Udp
        ? new UdpSipTransport(new IPEndPoint(address, 0))
        : new TcpSipTransport(new IPEndPoint(address, 0));

    [Theory]
    [InlineData(SipTransportProtocol.Udp, "127.0.0.1")]
    [InlineData(SipTransportProtocol.Tcp, "127.0.0.1")]
    [InlineData(SipTransportProtocol.Udp, "::1")]
    [InlineData(SipTransportProtocol.Tcp, "::1")]
    public async Task InviteAckByeCompletes(SipTransportProtocol protocol, string address)
    {
        var ip = IPAddress.Parse(address);
        await using var server = new SipStack();
        var serverTransport = Create(protocol, ip);
        server.AddTransport(serverTransport);
        var uas = new TestUas(server, serverTransport);
        await using var client = new SipStack();
        client.AddTransport(Create(protocol, ip));

        var result = await TestUac.CallAsync(client, new SipEndPoint(protocol, serverTransport.LocalEndPoint), TimeSpan.FromMilliseconds(50))
            .WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((200, 200), (result.Invite, result.Bye));
        Assert.True(result.Provisionals >= 1);
        await uas.CallEnded.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, uas.Invites);
        Assert.Equal(1, uas.Acks);
    }

    [Fact]
    public async Task ServerStampsReceivedAndRport()
    {
        await using var server = new SipStack();
        var transport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddTransport(transport);
        var seen = new TaskCompletionSource<SipRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.RequestReceived += r => { seen.TrySetResult(r.Request); r.Respond(200); };

        await using var client = new SipStack();
        var clientTransport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        client.AddTransport(clientTransport);
        var options = SipRequest.Create(SipMethods.Options, SipUri.Parse($"sip:{transport.LocalEndPoint}"));
        options.AddHeader("Via", "SIP/2.0/UDP client.invalid:5060;branch=z9hG4bKrport1;rport");
        options.AddHeader("From", "<sip:a@client.invalid>;tag=1");
        options.AddHeader("To", "<sip:b@127.0.0.1>");
        options.AddHeader("Call-ID", "rport-test");
        options.AddHeader("CSeq", "1 OPTIONS");
        options.AddHeader("Max-Forwards", "70");
        // The response goes to the source address (rport), not to client.invalid.
        var response = await client.SendRequestAsync(options, new SipEndPoint(SipTransportProtocol.Udp, transport.LocalEndPoint)).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(200, response.StatusCode);
        var via = (await seen.Task).TopVia!;
        Assert.Equal("127.0.0.1", via.Received);
        Assert.Equal(clientTransport.LocalEndPoint.Port, via.Rport);
    }

    [Fact]
    public async Task InvalidRequestGets400AndTheStackKeepsWorking()
    {
        await using var server = new SipStack();
        var transport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddTransport(transport);
        server.RequestReceived += r => r.Respond(200, toTag: "x");
        await using var client = new SipStack();
        var clientTransport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        client.AddTransport(clientTransport);
        var destination = new SipEndPoint(SipTransportProtocol.Udp, transport.LocalEndPoint);

        // Garbage, then a request whose Max-Forwards is not a number.
        using var raw = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await raw.SendAsync(new byte[] { 0x16, 0xfe, 0xfd, 0x00 }, transport.LocalEndPoint);
        var bad = TestUac.CreateInvite(clientTransport, transport.LocalEndPoint);
        bad.SetHeader("Max-Forwards", "seventy");
        var badTx = client.SendInvite(bad, destination);
        Assert.Equal(400, (await badTx.FinalResponse.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);

        var result = await TestUac.CallAsync(client, destination, TimeSpan.Zero).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(200, result.Invite);
    }

    [Fact]
    public async Task CancelBeforeAnswerGets200AndTheInvite487()
    {
        await using var server = new SipStack();
        var transport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddTransport(transport);
        server.RequestReceived += r => { if (r.Request.Method == SipMethods.Invite) r.Respond(180, toTag: "t"); };
        server.CancelReceived += (_, invite) => invite.Respond(SipResponse.CreateFor(invite.Request, 487, toTag: "t"));

        await using var client = new SipStack();
        var clientTransport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        client.AddTransport(clientTransport);
        var destination = new SipEndPoint(SipTransportProtocol.Udp, transport.LocalEndPoint);
        var invite = TestUac.CreateInvite(clientTransport, transport.LocalEndPoint);
        var ringing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tx = client.SendInvite(invite, destination, _ => ringing.TrySetResult());
        await ringing.Task.WaitAsync(TimeSpan.FromSeconds(5));

        // CANCEL (§9.1): same Request-URI, Call-ID, From, To, top Via and CSeq number as the INVITE.
        var cancel = SipRequest.Create(SipMethods.Cancel, invite.RequestUri);
        cancel.AddHeader("Via", invite.GetHeader("Via")!);
        foreach (var name in new[] { "Max-Forwards", "From", "To", "Call-ID" }) cancel.AddHeader(name, invite.GetHeader(name)!);
        cancel.AddHeader("CSeq", "1 CANCEL");
        Assert.Equal(200, (await client.SendRequestAsync(cancel, destination).WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
        Assert.Equal(487, (await tx.FinalResponse.WaitAsync(TimeSpan.FromSeconds(5))).StatusCode);
    }
}
