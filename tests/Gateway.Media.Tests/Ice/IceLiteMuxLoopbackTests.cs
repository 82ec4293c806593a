using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Media.Ice;
using Gateway.Media.Stun;
using Xunit;

namespace Gateway.Media.Tests.Ice;

/// <summary>One real UDP port on loopback serving two ICE-lite sessions through <see cref="IceLiteMux"/>.</summary>
public sealed class IceLiteMuxLoopbackTests
{
    [Fact]
    public async Task OneUdpPort_AnswersChecksForTwoCalls()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var serverEp = (IPEndPoint)server.LocalEndPoint!;
        var mux = new IceLiteMux();
        var agents = new[]
        {
            new IceLiteAgent(new IceCredentials("call1", "passwordpasswordpassw1")),
            new IceLiteAgent(new IceCredentials("call2", "passwordpasswordpassw2")),
        };
        foreach (var a in agents) mux.Register(a);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var serverLoop = Task.Run(async () =>
        {
            var buf = new byte[1500];
            var resp = new byte[1500];
            for (int handled = 0; handled < 2; handled++)
            {
                var r = await server.ReceiveFromAsync(buf, new IPEndPoint(IPAddress.Any, 0), cts.Token);
                var from = (IPEndPoint)r.RemoteEndPoint;
                var result = mux.HandleStun(buf.AsSpan(0, r.ReceivedBytes), from, resp, out int n, out _);
                Assert.Equal(IceCheckResult.Nominated, result);
                await server.SendToAsync(resp.AsMemory(0, n), from, cts.Token);
            }
        });

        for (int i = 0; i < 2; i++)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var pwd = agents[i].LocalCredentials.Password;
            var req = IceLiteAgentTests.Check(agents[i].LocalCredentials.Ufrag + ":peer", pwd, useCandidate: true);
            await client.SendToAsync(req, serverEp, cts.Token);
            var buf = new byte[1500];
            int got = await client.ReceiveAsync(buf, SocketFlags.None, cts.Token);
            Assert.Equal(StunError.None, StunMessage.TryParse(buf.AsSpan(0, got), out var m, out _));
            Assert.Equal(StunClass.SuccessResponse, m.Class);
            Assert.True(m.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(pwd)));
            Assert.True(m.TryGetXorMappedAddress(out var mapped));
            Assert.Equal(client.LocalEndPoint, mapped);
            Assert.Equal(mapped, agents[i].SelectedRemote);
            Assert.Same(agents[i], mux.FindByAddress(mapped!));
        }
        await serverLoop;
    }
}
