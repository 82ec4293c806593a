using Gateway.Media.Rtp;
using Xunit;

namespace Gateway.Media.Tests.Rtp;

public sealed class RtpHeaderTests
{
    private static byte[] Build(bool marker = true, uint[]? csrcs = null, byte[]? ext = null, int padding = 0)
    {
        var buf = new byte[200];
        int n = RtpHeaderWriter.Write(buf, 111, 65535, 0xDEADBEEF, 0x01020304, marker, csrcs ?? []);
        if (ext is not null) n = RtpHeaderWriter.AppendOneByteExtension(buf, n, 3, ext);
        for (int i = 0; i < 10; i++) buf[n++] = (byte)i;
        if (padding > 0)
        {
            buf[0] |= 0x20;
            n += padding;
            buf[n - 1] = (byte)padding;
        }
        return buf.AsSpan(0, n).ToArray();
    }

    [Fact]
    public void FixedHeader_RoundTrips()
    {
        var p = Build(csrcs: [7, 8]);
        Assert.Equal(RtpError.None, RtpHeader.TryParse(p, out var h, out _));
        Assert.True(h.Marker);
        Assert.Equal(111, h.PayloadType);
        Assert.Equal(65535, h.SequenceNumber);
        Assert.Equal(0xDEADBEEFu, h.Timestamp);
        Assert.Equal(0x01020304u, h.Ssrc);
        Assert.Equal(2, h.CsrcCount);
        Assert.Equal(8u, h.GetCsrc(1));
        Assert.Equal(10, h.Payload.Length);
    }

    [Fact]
    public void OneByteExtension_AndPadding_AreParsed()
    {
        var p = Build(ext: [0xAA, 0xBB], padding: 4);
        Assert.Equal(RtpError.None, RtpHeader.TryParse(p, out var h, out _));
        Assert.Equal(0xBEDE, h.ExtensionProfile);
        var ext = h.Extensions;
        Assert.True(ext.TryFind(3, out var v));
        Assert.Equal(new byte[] { 0xAA, 0xBB }, v.ToArray());
        Assert.Equal(4, h.PaddingLength);
        Assert.Equal(10, h.Payload.Length);
        Assert.Equal(0, h.Payload[0]);
    }

    [Fact]
    public void TwoByteExtension_IsParsed()
    {
        // RFC 8285 §4.3: profile 0x1000, elements ID(8) L(8), L may be 0.
        byte[] p = [0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x10, 0x00, 0, 2, 5, 0, 0, 9, 3, 1, 2, 3];
        Array.Resize(ref p, 20);
        p[12 + 4] = 5; p[17] = 0; p[18] = 9; p[19] = 1;
        Array.Resize(ref p, 24);
        p[20] = 7;
        Assert.Equal(RtpError.None, RtpHeader.TryParse(p, out var h, out _));
        var r = h.Extensions;
        Assert.True(r.TryReadNext(out int id, out var v));
        Assert.Equal(5, id); Assert.Equal(0, v.Length);
        Assert.True(r.TryReadNext(out id, out v));
        Assert.Equal(9, id); Assert.Equal(new byte[] { 7 }, v.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0, 0 }, RtpError.TooShort)]
    [InlineData(new byte[] { 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, RtpError.BadVersion)]
    [InlineData(new byte[] { 0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, RtpError.TruncatedCsrc)]
    [InlineData(new byte[] { 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0, 1 }, RtpError.TruncatedExtension)]
    [InlineData(new byte[] { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, RtpError.BadPadding)]
    public void Malformed_IsRejected(byte[] packet, RtpError expected) =>
        Assert.Equal(expected, RtpHeader.TryParse(packet, out _, out _));

    [Fact]
    public void RandomBytes_NeverThrow()
    {
        var rng = new Random(3550);
        var buf = new byte[64];
        for (int i = 0; i < 20000; i++)
        {
            int n = rng.Next(buf.Length);
            rng.NextBytes(buf);
            buf[0] = (byte)((buf[0] & 0x3F) | 0x80);
            if (RtpHeader.TryParse(buf.AsSpan(0, n), out var h, out _) != RtpError.None) continue;
            _ = h.Payload.Length;
            var r = h.Extensions;
            while (r.TryReadNext(out _, out _)) { }
        }
    }
}
