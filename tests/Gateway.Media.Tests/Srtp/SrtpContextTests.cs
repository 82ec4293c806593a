using System.Buffers.Binary;
using Gateway.Media.Srtp;

namespace Gateway.Media.Tests.Srtp;

public sealed class SrtpContextTests
{
    private static readonly byte[] Key = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] Salt14 = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");

    private static (SrtpContext Sender, SrtpContext Receiver) Pair(SrtpProfile profile)
    {
        var salt = Salt14[..profile.SaltLength()];
        return (new SrtpContext(profile, Key, salt), new SrtpContext(profile, Key, salt));
    }

    /// <summary>A 172-byte G.711 RTP packet: 12-byte header + 160 bytes of payload.</summary>
    private static byte[] Rtp(ushort seq, uint ssrc = 0x11223344, int payload = 160)
    {
        var p = new byte[12 + payload + 16];
        p[0] = 0x80;
        p[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), seq * 160u);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(8), ssrc);
        for (var i = 12; i < 12 + payload; i++) p[i] = (byte)(i * 7);
        return p;
    }

    public static TheoryData<SrtpProfile> Profiles => new(Enum.GetValues<SrtpProfile>());

    [Theory]
    [MemberData(nameof(Profiles))]
    public void RtpRoundTrip(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var packet = Rtp(1000);
        var plain = packet[..172].ToArray();
        Assert.Equal(SrtpError.None, tx.ProtectRtp(packet, 172, out var protectedLength));
        Assert.Equal(172 + profile.RtpTagLength(), protectedLength);
        Assert.False(packet.AsSpan(12, 160).SequenceEqual(plain.AsSpan(12, 160)));
        Assert.Equal(SrtpError.None, rx.UnprotectRtp(packet.AsSpan(0, protectedLength), out var length));
        Assert.Equal(plain, packet[..length]);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void TamperedPacketsFailAuthentication(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        foreach (var at in new[] { 1, 20, 171, 172 })
        {
            var packet = Rtp((ushort)(2000 + at));
            tx.ProtectRtp(packet, 172, out var n);
            packet[at] ^= 0x01;
            Assert.Equal(SrtpError.AuthenticationFailed, rx.UnprotectRtp(packet.AsSpan(0, n), out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void ReplayedAndTooOldPacketsAreRefused(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var packets = Enumerable.Range(0, 100).Select(i =>
        {
            var p = Rtp((ushort)i);
            tx.ProtectRtp(p, 172, out var n);
            return p[..n];
        }).ToArray();
        Assert.Equal(SrtpError.None, rx.UnprotectRtp(packets[0].ToArray(), out _));
        Assert.Equal(SrtpError.None, rx.UnprotectRtp(packets[99].ToArray(), out _));
        Assert.Equal(SrtpError.Replayed, rx.UnprotectRtp(packets[99].ToArray(), out _));
        Assert.Equal(SrtpError.None, rx.UnprotectRtp(packets[50].ToArray(), out _)); // late but inside the window
        Assert.Equal(SrtpError.TooOld, rx.UnprotectRtp(packets[1].ToArray(), out _));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void RolloverCounterFollowsSequenceWrap(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var sequence = new ushort[] { 65533, 65534, 65535, 0, 1, 2 };
        foreach (var seq in sequence)
        {
            var p = Rtp(seq);
            var plain = p[..172].ToArray();
            tx.ProtectRtp(p, 172, out var n);
            Assert.Equal(SrtpError.None, rx.UnprotectRtp(p.AsSpan(0, n), out var length));
            Assert.Equal(plain, p[..length]);
        }
        // A packet from before the wrap, arriving after it, still decrypts with ROC-1 (Appendix A).
        var (tx2, rx2) = Pair(profile);
        var packets = new[] { (ushort)65534, (ushort)65535, (ushort)2 }.Select(seq =>
        {
            var p = Rtp(seq);
            tx2.ProtectRtp(p, 172, out var n);
            return p[..n];
        }).ToArray();
        Assert.Equal(SrtpError.None, rx2.UnprotectRtp(packets[0], out _));
        Assert.Equal(SrtpError.None, rx2.UnprotectRtp(packets[2], out _));
        Assert.Equal(SrtpError.None, rx2.UnprotectRtp(packets[1], out _));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void RtcpRoundTripTamperAndReplay(SrtpProfile profile)
    {
        var (tx, rx) = Pair(profile);
        var rtcp = new byte[28 + 32];
        rtcp[0] = 0x80; rtcp[1] = 200; rtcp[3] = 6; // SR, length 6 words
        BinaryPrimitives.WriteUInt32BigEndian(rtcp.AsSpan(4), 0xCAFEBABE);
        for (var i = 8; i < 28; i++) rtcp[i] = (byte)i;
        var plain = rtcp[..28].ToArray();
        Assert.Equal(SrtpError.None, tx.ProtectRtcp(rtcp, 28, out var n));
        Assert.Equal(28 + tx.RtcpOverhead, n);
        var copy = rtcp[..n].ToArray();
        Assert.Equal(SrtpError.None, rx.UnprotectRtcp(rtcp.AsSpan(0, n), out var length));
        Assert.Equal(plain, rtcp[..length]);
        Assert.Equal(SrtpError.Replayed, rx.UnprotectRtcp(copy.ToArray(), out _));
        copy[10] ^= 1;
        var (_, rx2) = Pair(profile);
        Assert.Equal(SrtpError.AuthenticationFailed, rx2.UnprotectRtcp(copy, out _));
    }

    [Fact]
    public void GarbageNeverThrows()
    {
        var (_, rx) = Pair(SrtpProfile.AesCm128HmacSha1_80);
        var random = new Random(3711);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            if (bytes.Length > 0) bytes[0] = (byte)(0x80 | (bytes[0] & 0x3F));
            _ = rx.UnprotectRtp(bytes, out _);
            _ = rx.UnprotectRtcp(bytes, out _);
        }
    }

    [Fact]
    public void WrongKeyOrSaltLengthIsAProgrammerError() =>
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProfile.AeadAes128Gcm, Key, Salt14));

    [Fact]
    public void BufferWithoutRoomForTheTagIsRefused()
    {
        var (tx, _) = Pair(SrtpProfile.AesCm128HmacSha1_80);
        Assert.Equal(SrtpError.BufferTooSmall, tx.ProtectRtp(Rtp(1).AsSpan(0, 175), 172, out _));
    }
}
