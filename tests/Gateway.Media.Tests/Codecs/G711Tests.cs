using Gateway.Media.Codecs;
using Xunit;

namespace Gateway.Media.Tests.Codecs;

public sealed class G711Tests
{
    [Fact]
    public void MuLaw_All256Codes_RoundTrip()
    {
        for (int c = 0; c < 256; c++)
        {
            // 0x7F is "negative zero": it decodes to 0, which encodes as 0xFF.
            byte expected = c == 0x7F ? (byte)0xFF : (byte)c;
            Assert.Equal(expected, G711MuLaw.Encode(G711MuLaw.Decode((byte)c)));
        }
    }

    [Fact]
    public void ALaw_All256Codes_RoundTrip()
    {
        for (int c = 0; c < 256; c++)
            Assert.Equal((byte)c, G711ALaw.Encode(G711ALaw.Decode((byte)c)));
    }

    [Fact]
    public void BothLaws_AreMonotonic_AndCloseToInput()
    {
        int prevMu = int.MinValue, prevA = int.MinValue;
        for (int s = short.MinValue; s <= short.MaxValue; s++)
        {
            int mu = G711MuLaw.Decode(G711MuLaw.Encode((short)s));
            int a = G711ALaw.Decode(G711ALaw.Encode((short)s));
            Assert.True(mu >= prevMu, $"mu-law not monotonic at {s}");
            Assert.True(a >= prevA, $"A-law not monotonic at {s}");
            prevMu = mu; prevA = a;
            // Quantisation error stays within half the largest step (1024) plus clipping at the ends.
            Assert.InRange(Math.Abs(mu - s), 0, 1100);
            Assert.InRange(Math.Abs(a - s), 0, 1100);
        }
    }

    [Fact]
    public void KnownValues()
    {
        Assert.Equal(0xFF, G711MuLaw.Encode(0));
        Assert.Equal(0xD5, G711ALaw.Encode(0));
        Assert.Equal(-32124, G711MuLaw.Decode(0x00));
        Assert.Equal(32124, G711MuLaw.Decode(0x80));
        Assert.Equal(-5504, G711ALaw.Decode(0x00));
        Assert.Equal(32256, G711ALaw.Decode(0xAA));
    }
}
