using System.Net;
using Gateway.Sip.Protection;
using Gateway.Sip.Tests.Transactions;

namespace Gateway.Sip.Tests.Protection;

public sealed class SourceRateLimiterTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("192.0.2.7");
    private readonly ManualTimeProvider _time = new();

    private SourceRateLimiter Limiter(int packets = 10, int transactions = 5, int tracked = 100) => new(new SipSourceLimits
    {
        PacketsPerSecond = packets,
        TransactionsPerSecond = transactions,
        BlockPeriod = TimeSpan.FromSeconds(30),
        MaxTrackedSources = tracked,
    }, _time);

    private static int AdmittedOf(SourceRateLimiter limiter, IPAddress source, int attempts, SourceRateKind kind = SourceRateKind.Packet) =>
        Enumerable.Range(0, attempts).Count(_ => limiter.Admit(source, kind) == SourceVerdict.Admitted);

    [Fact]
    public void BurstOfTwoSecondsPassesThenTheSourceIsBlocked()
    {
        var limiter = Limiter();
        Assert.Equal(20, AdmittedOf(limiter, Attacker, 20));
        Assert.Equal(SourceVerdict.NowBlocked, limiter.Admit(Attacker, SourceRateKind.Packet));
        Assert.Equal(SourceVerdict.Blocked, limiter.Admit(Attacker, SourceRateKind.Packet));
        // Blocked covers the other bucket too: a blocked source is dropped whatever it sends.
        Assert.Equal(SourceVerdict.Blocked, limiter.Admit(Attacker, SourceRateKind.Transaction));
    }

    [Fact]
    public void SustainedRateAtTheLimitIsNeverBlocked()
    {
        var limiter = Limiter();
        for (var second = 0; second < 60; second++)
        {
            Assert.Equal(10, AdmittedOf(limiter, Attacker, 10));
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void BlockEndsAfterTheBlockPeriod()
    {
        var limiter = Limiter();
        AdmittedOf(limiter, Attacker, 21);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(SourceVerdict.Blocked, limiter.Admit(Attacker, SourceRateKind.Packet));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SourceVerdict.Admitted, limiter.Admit(Attacker, SourceRateKind.Packet));
    }

    [Fact]
    public void OtherSourcesAreNotAffected()
    {
        var limiter = Limiter();
        AdmittedOf(limiter, Attacker, 100);
        Assert.Equal(SourceVerdict.Admitted, limiter.Admit(IPAddress.Parse("192.0.2.8"), SourceRateKind.Packet));
    }

    [Fact]
    public void TransactionsHaveTheirOwnBucket()
    {
        var limiter = Limiter(packets: 1000, transactions: 5);
        Assert.Equal(10, AdmittedOf(limiter, Attacker, 10, SourceRateKind.Transaction));
        Assert.Equal(SourceVerdict.NowBlocked, limiter.Admit(Attacker, SourceRateKind.Transaction));
        Assert.Equal(SourceVerdict.Blocked, limiter.Admit(Attacker, SourceRateKind.Packet));
    }

    [Fact]
    public void TrustedSourcesAreNeverLimited()
    {
        var limiter = Limiter();
        limiter.IsTrusted = a => a.Equals(Attacker);
        Assert.Equal(10_000, AdmittedOf(limiter, Attacker, 10_000));
    }

    [Fact]
    public void SprayedSourcesCannotGrowTheTable()
    {
        var limiter = Limiter(tracked: 100);
        for (var i = 0; i < 10_000; i++) limiter.Admit(new IPAddress(0x0A000000u + (uint)i), SourceRateKind.Packet);
        Assert.Equal(100, limiter.TrackedSources);
    }

    [Fact]
    public void AnActiveBlockedSourceSurvivesASprayOfOthers()
    {
        var limiter = Limiter(tracked: 100);
        AdmittedOf(limiter, Attacker, 21);
        for (var i = 0; i < 1000; i++)
        {
            limiter.Admit(new IPAddress(0x0A000000u + (uint)i), SourceRateKind.Packet);
            if (i % 50 == 0) Assert.Equal(SourceVerdict.Blocked, limiter.Admit(Attacker, SourceRateKind.Packet)); // seen recently: kept
        }
    }

    [Fact]
    public void Ipv6SourcesShareTheirSlash64()
    {
        var limiter = Limiter();
        for (var i = 0; i < 20; i++) Assert.Equal(SourceVerdict.Admitted, limiter.Admit(IPAddress.Parse($"2001:db8:1:2::{i + 1:x}"), SourceRateKind.Packet));
        Assert.Equal(SourceVerdict.NowBlocked, limiter.Admit(IPAddress.Parse("2001:db8:1:2:ffff::1"), SourceRateKind.Packet));
        Assert.Equal(SourceVerdict.Admitted, limiter.Admit(IPAddress.Parse("2001:db8:1:3::1"), SourceRateKind.Packet));
    }

    [Fact]
    public void Ipv4MappedAddressesCountAsIpv4()
    {
        var limiter = Limiter();
        AdmittedOf(limiter, Attacker, 21);
        Assert.Equal(SourceVerdict.Blocked, limiter.Admit(Attacker.MapToIPv6(), SourceRateKind.Packet));
    }
}
