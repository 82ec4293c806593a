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

    private const string PwdA = "passwordpasswordpassw1", PwdB = "passwordpasswordpassw2";

    private static IceCheckResult Check(IceLiteMux mux, string ufrag, string pwd, IPEndPoint from, bool nominate = false) =>
        mux.HandleStun(IceLiteAgentTests.Check(ufrag + ":peer", pwd, useCandidate: nominate), from, new byte[256], out _, out _);

    [Fact]
    public void Nomination_DropsTheCandidateAddressesThatWereNotSelected()
    {
        var mux = new IceLiteMux();
        var a = new IceLiteAgent(new IceCredentials("aaaa", PwdA));
        mux.Register(a);
        IPEndPoint host = new(IPAddress.Parse("192.168.1.20"), 50000), srflx = new(IPAddress.Parse("203.0.113.7"), 41000);
        IPEndPoint relay = new(IPAddress.Parse("198.51.100.9"), 3478);
        // The browser checks every pair first (each source becomes routable), then nominates one.
        foreach (var from in new[] { host, srflx, relay }) Assert.Equal(IceCheckResult.Success, Check(mux, "aaaa", PwdA, from));
        Assert.Equal(3, mux.AddressCount(a));
        Assert.Equal(IceCheckResult.Nominated, Check(mux, "aaaa", PwdA, srflx, nominate: true));
        Assert.Equal(1, mux.AddressCount(a));
        Assert.Same(a, mux.FindByAddress(srflx));
        Assert.Null(mux.FindByAddress(host));
        Assert.Null(mux.FindByAddress(relay));
        // Consent checks on the selected pair (RFC 7675) and a re-nomination of it change nothing.
        Assert.Equal(IceCheckResult.Success, Check(mux, "aaaa", PwdA, srflx));
        Assert.Equal(IceCheckResult.Nominated, Check(mux, "aaaa", PwdA, srflx, nominate: true));
        Assert.Equal(1, mux.AddressCount(a));
    }

    [Fact]
    public void BrowserMove_DropsTheOldAddress_KeepsOtherSessions()
    {
        var mux = new IceLiteMux();
        var a = new IceLiteAgent(new IceCredentials("aaaa", PwdA));
        var b = new IceLiteAgent(new IceCredentials("bbbb", PwdB));
        mux.Register(a);
        mux.Register(b);
        IPEndPoint wifi = new(IPAddress.Parse("203.0.113.7"), 41000), cellular = new(IPAddress.Parse("198.51.100.77"), 52000);
        IPEndPoint other = new(IPAddress.Parse("192.0.2.99"), 40000);
        Check(mux, "aaaa", PwdA, wifi, nominate: true);
        Check(mux, "bbbb", PwdB, other, nominate: true);
        Assert.Same(a, mux.FindByAddress(wifi));

        // The browser moves to another network: checks from the new address, then the nomination moves.
        Assert.Equal(IceCheckResult.Success, Check(mux, "aaaa", PwdA, cellular));
        Assert.Same(a, mux.FindByAddress(wifi)); // still selected until the nomination
        Assert.Equal(IceCheckResult.Nominated, Check(mux, "aaaa", PwdA, cellular, nominate: true));
        Assert.Equal(cellular, a.SelectedRemote);
        Assert.Null(mux.FindByAddress(wifi));
        Assert.Same(a, mux.FindByAddress(cellular));
        Assert.Equal(1, mux.AddressCount(a));
        Assert.Same(b, mux.FindByAddress(other));

        // An address a once validated but session b validated since (e.g. NAT port reuse) is b's: a's next move keeps it.
        IPEndPoint reused = new(IPAddress.Parse("192.0.2.50"), 40400);
        Check(mux, "aaaa", PwdA, reused);
        Check(mux, "bbbb", PwdB, reused);
        Assert.Equal(IceCheckResult.Nominated, Check(mux, "aaaa", PwdA, wifi, nominate: true)); // and back to wifi
        Assert.Same(a, mux.FindByAddress(wifi));
        Assert.Null(mux.FindByAddress(cellular));
        Assert.Same(b, mux.FindByAddress(reused));
        Assert.Equal(1, mux.AddressCount(a));
        Assert.Equal(2, mux.AddressCount(b));
        mux.Unregister(a);
        Assert.Null(mux.FindByAddress(wifi));
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
