using System.Buffers.Binary;
using Gateway.Media.Srtp;

namespace Gateway.Media.Tests.Srtp;

/// <summary>
/// Per-SSRC state is created only after a packet authenticates (RFC 3711 §3.3 steps 5-7, §3.3.1) and is capped,
/// so forged packets from a validated address can neither grow the context nor allocate per packet.
/// </summary>
public sealed class SrtpStreamLimitTests
{
    private static readonly byte[] Key = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] Salt14 = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");

    private static SrtpContext Context(SrtpProfile profile) => new(profile, Key, Salt14[..profile.SaltLength()]);

    private static byte[] Rtp(ushort seq, uint ssrc)
    {
        var p = new byte[12 + 160 + 16];
        p[0] = 0x80;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), seq * 160u);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(8), ssrc);
        for (var i = 12; i < 172; i++) p[i] = (byte)i;
        return p;
    }

    private static byte[] Rtcp(uint ssrc)
    {
        var p = new byte[28 + 32];
        p[0] = 0x80; p[1] = 200; p[3] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), ssrc);
        return p;
    }

    private static byte[] ProtectedRtp(SrtpContext tx, ushort seq, uint ssrc)
    {
        var p = Rtp(seq, ssrc);
        Assert.Equal(SrtpError.None, tx.ProtectRtp(p, 172, out var n));
        return p[..n];
    }

    private static byte[] ProtectedRtcp(SrtpContext tx, uint ssrc)
    {
        var p = Rtcp(ssrc);
        Assert.Equal(SrtpError.None, tx.ProtectRtcp(p, 28, out var n));
        return p[..n];
    }

    public static TheoryData<SrtpProfile> Profiles => new(Enum.GetValues<SrtpProfile>());
    public static TheoryData<SrtpProfile> HmacProfiles => new(SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AesCm128HmacSha1_32);

    /// <summary>Random SSRC, sequence number and body behind a valid RTP / RTCP header: what an attacker can send.</summary>
    private static void Forge(Random random, byte[] rtp, byte[] rtcp)
    {
        random.NextBytes(rtp);
        rtp[0] = 0x80;
        random.NextBytes(rtcp);
        rtcp[0] = 0x80; rtcp[1] = 200;
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void TenThousandForgedPackets_LeaveTheStreamCountUnchanged(SrtpProfile profile)
    {
        using var tx = Context(profile);
        using var rx = Context(profile);
        Assert.Equal(SrtpError.None, rx.UnprotectRtp(ProtectedRtp(tx, 1, 0x11223344), out _));
        Assert.Equal(SrtpError.None, rx.UnprotectRtcp(ProtectedRtcp(tx, 0x11223344), out _));
        Assert.Equal(1, rx.StreamCount);

        var random = new Random(3711);
        byte[] rtp = new byte[172 + profile.RtpTagLength()], rtcp = new byte[28 + rx.RtcpOverhead];
        for (var i = 0; i < 10_000; i++)
        {
            Forge(random, rtp, rtcp);
            Assert.NotEqual(SrtpError.None, rx.UnprotectRtp(rtp, out _));
            Assert.NotEqual(SrtpError.None, rx.UnprotectRtcp(rtcp, out _));
        }
        Assert.Equal(1, rx.StreamCount);
        // The genuine stream is undisturbed.
        Assert.Equal(SrtpError.None, rx.UnprotectRtp(ProtectedRtp(tx, 2, 0x11223344), out _));
    }

    /// <summary>
    /// HMAC profiles: a refused packet costs no allocation. (AEAD-GCM is excluded: .NET's AesGcm reports a tag
    /// mismatch only by throwing, which allocates the exception; its state is still not grown, see above.)
    /// </summary>
    [Theory]
    [MemberData(nameof(HmacProfiles))]
    public void ForgedPackets_AllocateNothingAfterWarmUp(SrtpProfile profile)
    {
        using var tx = Context(profile);
        using var rx = Context(profile);
        Assert.Equal(SrtpError.None, rx.UnprotectRtp(ProtectedRtp(tx, 1, 0x11223344), out _));
        var random = new Random(5764);
        byte[] rtp = new byte[172 + profile.RtpTagLength()], rtcp = new byte[28 + rx.RtcpOverhead];
        for (var i = 0; i < 100; i++) // warm-up: JIT, tiering
        {
            Forge(random, rtp, rtcp);
            rx.UnprotectRtp(rtp, out _);
            rx.UnprotectRtcp(rtcp, out _);
        }
        var failures = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            Forge(random, rtp, rtcp);
            if (rx.UnprotectRtp(rtp, out _) != SrtpError.None) failures++;
            if (rx.UnprotectRtcp(rtcp, out _) != SrtpError.None) failures++;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(20_000, failures);
        Assert.Equal(0, allocated);
        Assert.Equal(1, rx.StreamCount);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void GenuineNewSsrc_AfterForgedPacketsWithTheSameSsrc_IsAccepted(SrtpProfile profile)
    {
        using var tx = Context(profile);
        using var rx = Context(profile);
        const uint ssrc = 0x5EED5EED;
        var genuine = ProtectedRtp(tx, 40000, ssrc);
        var genuineRtcp = ProtectedRtcp(tx, ssrc);
        // Forgeries with the SSRC and index the genuine packets will use: nothing may be remembered from them.
        for (var i = 0; i < 50; i++)
        {
            var forged = genuine.ToArray();
            forged[20 + i % 100] ^= 0x5A;
            Assert.Equal(SrtpError.AuthenticationFailed, rx.UnprotectRtp(forged, out _));
            var forgedRtcp = genuineRtcp.ToArray();
            forgedRtcp[9] ^= (byte)(i + 1);
            Assert.Equal(SrtpError.AuthenticationFailed, rx.UnprotectRtcp(forgedRtcp, out _));
        }
        Assert.Equal(0, rx.StreamCount);
        var plain = Rtp(40000, ssrc)[..172];
        Assert.Equal(SrtpError.None, rx.UnprotectRtp(genuine, out var length));
        Assert.Equal(plain, genuine[..length]);
        Assert.Equal(SrtpError.None, rx.UnprotectRtcp(genuineRtcp, out _));
        Assert.Equal(1, rx.StreamCount);
        // The state it created works on: the next packets decrypt, a replay is refused.
        var next = ProtectedRtp(tx, 40001, ssrc);
        Assert.Equal(SrtpError.None, rx.UnprotectRtp(next.ToArray(), out _));
        Assert.Equal(SrtpError.Replayed, rx.UnprotectRtp(next, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void StreamCap_IsEnforcedForProtectAndUnprotect(SrtpProfile profile)
    {
        using var tx = new SrtpContext(profile, Key, Salt14[..profile.SaltLength()], maxStreams: 32);
        using var rx = Context(profile);
        Assert.Equal(SrtpContext.DefaultMaxStreams, rx.MaxStreams);
        for (uint ssrc = 1; ssrc <= SrtpContext.DefaultMaxStreams; ssrc++)
            Assert.Equal(SrtpError.None, rx.UnprotectRtp(ProtectedRtp(tx, 7, ssrc), out _));
        Assert.Equal(16, rx.StreamCount);

        // A 17th SSRC, genuine or not, RTP or RTCP, is refused; the 16 tracked ones keep working.
        Assert.Equal(SrtpError.TooManyStreams, rx.UnprotectRtp(ProtectedRtp(tx, 7, 17), out _));
        Assert.Equal(SrtpError.TooManyStreams, rx.UnprotectRtcp(ProtectedRtcp(tx, 17), out _));
        Assert.Equal(SrtpError.None, rx.UnprotectRtp(ProtectedRtp(tx, 8, 16), out _));
        Assert.Equal(SrtpError.None, rx.UnprotectRtcp(ProtectedRtcp(tx, 1), out _));
        Assert.Equal(16, rx.StreamCount);

        // Protect: the sender's own SSRCs are capped the same way.
        using var small = new SrtpContext(profile, Key, Salt14[..profile.SaltLength()], maxStreams: 2);
        byte[] a = Rtp(1, 100), b = Rtp(1, 200), c = Rtp(1, 300), rtcp = Rtcp(300);
        Assert.Equal(SrtpError.None, small.ProtectRtp(a, 172, out _));
        Assert.Equal(SrtpError.None, small.ProtectRtp(b, 172, out _));
        Assert.Equal(SrtpError.TooManyStreams, small.ProtectRtp(c, 172, out _));
        Assert.Equal(SrtpError.TooManyStreams, small.ProtectRtcp(rtcp, 28, out _));
        Assert.Equal(2, small.StreamCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtpContext(profile, Key, Salt14[..profile.SaltLength()], maxStreams: 0));
    }
}
