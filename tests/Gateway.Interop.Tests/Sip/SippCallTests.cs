using System.Net;
using Gateway.Sip.Stack;
using Gateway.Sip.Tests.Stack;
using Gateway.Sip.Transport;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests.Sip;

/// <summary>Our SIP stack against sipp on loopback: both roles, UDP and TCP, and with packet loss.</summary>
public sealed class SippCallTests(ITestOutputHelper output)
{
    private static readonly TimeSpan SippTimeout = TimeSpan.FromSeconds(60);

    private static ISipTransport Transport(SipTransportProtocol protocol) => protocol == SipTransportProtocol.Udp
        ? new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0))
        : new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));

    private static string SippTransport(SipTransportProtocol protocol) => protocol == SipTransportProtocol.Udp ? "u1" : "t1";

    [SkippableTheory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task SippUacCompletesCallsAgainstOurUas(SipTransportProtocol protocol)
    {
        if (!Sipp.IsAvailable(output)) return;
        await using var stack = new SipStack();
        var transport = Transport(protocol);
        stack.AddTransport(transport);
        var uas = new TestUas(stack, transport);

        var result = await Sipp.RunAsync(
            $"-sn uac 127.0.0.1:{transport.LocalEndPoint.Port} -i 127.0.0.1 -p {Sipp.FreePort()} -t {SippTransport(protocol)} -m 3 -r 10 -timeout 30s -timeout_error",
            SippTimeout);
        output.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(3, uas.Byes);
    }

    [SkippableTheory]
    [InlineData(SipTransportProtocol.Udp)]
    [InlineData(SipTransportProtocol.Tcp)]
    public async Task OurUacCompletesCallsAgainstSippUas(SipTransportProtocol protocol)
    {
        if (!Sipp.IsAvailable(output)) return;
        var port = Sipp.FreePort();
        var sipp = Sipp.RunAsync($"-sn uas -i 127.0.0.1 -p {port} -t {SippTransport(protocol)} -m 2 -timeout 30s -timeout_error", SippTimeout);
        await Task.Delay(500); // sipp binds its socket
        await using var stack = new SipStack();
        stack.AddTransport(Transport(protocol));
        var destination = new SipEndPoint(protocol, new IPEndPoint(IPAddress.Loopback, port));

        for (var call = 0; call < 2; call++)
        {
            var (invite, bye, provisionals) = await TestUac.CallAsync(stack, destination, TimeSpan.FromMilliseconds(100)).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(200, invite);
            Assert.Equal(200, bye);
            Assert.True(provisionals >= 1);
        }
        var result = await sipp;
        output.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    /// <summary>sipp drops 10% of the messages it sends and receives; our retransmissions (timers A, E, G and the 2xx) recover.</summary>
    [SkippableFact]
    public async Task CallsCompleteDespitePacketLossOverUdp()
    {
        if (!Sipp.IsAvailable(output)) return;
        await using var stack = new SipStack();
        var transport = Transport(SipTransportProtocol.Udp);
        stack.AddTransport(transport);
        var uas = new TestUas(stack, transport);

        var result = await Sipp.RunAsync(
            $"-sn uac 127.0.0.1:{transport.LocalEndPoint.Port} -i 127.0.0.1 -p {Sipp.FreePort()} -t u1 -m 10 -r 5 -lost 10 -timeout 50s",
            SippTimeout);
        output.WriteLine(result.Output);
        // With loss, sipp's own scenario can fail a call it gave up on; most calls must still complete end to end.
        Assert.True(uas.Byes >= 7, $"only {uas.Byes} of 10 calls completed\n{result.Output}");
    }
}
