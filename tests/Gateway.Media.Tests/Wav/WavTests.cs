using System.Buffers.Binary;
using Gateway.Media.Codecs;
using Gateway.Media.Wav;
using Xunit;

namespace Gateway.Media.Tests.Wav;

public sealed class WavTests
{
    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public void Pcm16_WriteThenRead_RoundTrips(int rate)
    {
        var samples = Enumerable.Range(0, 1000).Select(i => (short)(Math.Sin(i / 10.0) * 20000)).ToArray();
        var ms = new MemoryStream();
        WavWriter.Write(ms, rate, samples);
        Assert.Equal(WavError.None, WavReader.TryRead(ms.ToArray(), out var fmt, out var data));
        Assert.Equal(new WavFormat(WavEncoding.Pcm16, rate, 1), fmt);
        var back = new short[WavReader.SampleCount(fmt, data)];
        WavReader.DecodeToPcm16(fmt, data, back);
        Assert.Equal(samples, back);
    }

    [Theory]
    [InlineData(WavEncoding.MuLaw)]
    [InlineData(WavEncoding.ALaw)]
    public void G711Wav_IsDecoded(WavEncoding encoding)
    {
        byte[] codes = encoding == WavEncoding.MuLaw ? [G711MuLaw.Encode(1000), G711MuLaw.Encode(-1000)] : [G711ALaw.Encode(1000), G711ALaw.Encode(-1000)];
        var file = new byte[12 + 8 + 18 + 8 + 4 + 8 + codes.Length];
        "RIFF"u8.CopyTo(file); "WAVE"u8.CopyTo(file.AsSpan(8));
        "fmt "u8.CopyTo(file.AsSpan(12)); BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), 18);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(20), (ushort)encoding);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(24), 8000);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(34), 8);
        "fact"u8.CopyTo(file.AsSpan(38)); BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(42), 4);
        "data"u8.CopyTo(file.AsSpan(50)); BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(54), codes.Length);
        codes.CopyTo(file, 58);
        Assert.Equal(WavError.None, WavReader.TryRead(file, out var fmt, out var data));
        Assert.Equal(encoding, fmt.Encoding);
        var pcm = new short[2];
        Assert.Equal(2, WavReader.DecodeToPcm16(fmt, data, pcm));
        Assert.InRange(pcm[0], 900, 1100);
        Assert.InRange(pcm[1], -1100, -900);
    }

    [Fact]
    public void Garbage_IsRejectedWithoutThrowing()
    {
        Assert.Equal(WavError.NotRiffWave, WavReader.TryRead("hello"u8, out _, out _));
        var ms = new MemoryStream();
        WavWriter.Write(ms, 8000, new short[10]);
        var file = ms.ToArray();
        for (int n = 0; n < WavWriter.HeaderLength; n++)
            Assert.NotEqual(WavError.None, WavReader.TryRead(file.AsSpan(0, n), out _, out _));
        var rng = new Random(7);
        for (int i = 0; i < 5000; i++)
        {
            var f = (byte[])file.Clone();
            f[rng.Next(f.Length)] = (byte)rng.Next(256);
            if (WavReader.TryRead(f, out var fmt, out var data) == WavError.None)
                WavReader.DecodeToPcm16(fmt, data, new short[64]);
        }
    }
}
