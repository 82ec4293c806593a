using System.Net;
using Gateway.Media.Ice;
using Xunit;

namespace Gateway.Media.Tests.Ice;

public sealed class IceLiteMuxTests
{
    [Fact]
    public void OnePort_RoutesStunByUfrag_AndMediaByLearntAddress()
    {
        var mux = new IceLiteMux();
        var a = new IceLiteAgent(new IceCredentials("aaaa", "passwordpasswordpassw1"));
        var b = new IceLiteAgent(new IceCredentials("bbbb", "passwordpasswordpassw2"));
        Assert.True(mux.Register(a));
        Assert.True(mux.Register(b));
        Assert.False(mux.Register(a));
        var peerA = new IPEndPoint(IPAddress.Loopback, 40000);
        var peerB = new IPEndPoint(IPAddress.Loopback, 40002);
        var resp = new byte[256];

        Assert.Equal(IceCheckResult.Nominated, mux.HandleStun(
            IceLiteAgentTests.Check("aaaa:x", "passwordpasswordpassw1", useCandidate: true), peerA, resp, out _, out var ra));
        Assert.Same(a, ra);
        Assert.Equal(IceCheckResult.Success, mux.HandleStun(
            IceLiteAgentTests.Check("bbbb:y", "passwordpasswordpassw2"), peerB, resp, out _, out var rb));
        Assert.Same(b, rb);
        Assert.Same(a, mux.FindByAddress(peerA));
        Assert.Same(b, mux.FindByAddress(peerB));
        Assert.Null(mux.FindByAddress(new IPEndPoint(IPAddress.Loopback, 1)));

        Assert.Equal(IceCheckResult.Discarded, mux.HandleStun(
            IceLiteAgentTests.Check("cccc:y", "passwordpasswordpassw2"), peerB, resp, out _, out var none));
        Assert.Null(none);

        mux.Unregister(a);
        Assert.Null(mux.FindByAddress(peerA));
        Assert.Equal(1, mux.Count);
    }

    [Fact]
    public void IceRestart_ReregisterRoutesNewUfrag()
    {
        var mux = new IceLiteMux();
        var a = new IceLiteAgent(new IceCredentials("aaaa", "passwordpasswordpassw1"));
        mux.Register(a);
        a.Restart(new IceCredentials("a2a2", "passwordpasswordpassw3"));
        mux.Reregister(a);
        mux.Forget("aaaa");
        Assert.Same(a, mux.FindByStun(IceLiteAgentTests.Check("a2a2:x", "passwordpasswordpassw3")));
        Assert.Null(mux.FindByStun(IceLiteAgentTests.Check("aaaa:x", "passwordpasswordpassw1")));
    }
}
