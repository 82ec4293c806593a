using System.Net;
using Gateway.Media.Stun;
using Gateway.Tests.Shared;
using Xunit;

namespace Gateway.Media.Tests.Stun;

/// <summary>Property tests: random mutations and truncations of valid messages never throw.</summary>
public sealed class StunFuzzTests
{
    [Fact]
    public void RandomMutations_NeverThrow()
    {
        var rng = new Random(5769);
        var seeds = Directory.GetFiles(Conformance.PathOf("stun-rfc5769"), "*.hex")
            .Select(f => Convert.FromHexString(File.ReadAllText(f).Trim())).ToArray();
        for (int iter = 0; iter < 20000; iter++)
        {
            var src = seeds[iter % seeds.Length];
            var buf = (byte[])src.Clone();
            int flips = rng.Next(1, 6);
            for (int i = 0; i < flips; i++) buf[rng.Next(buf.Length)] = (byte)rng.Next(256);
            int len = rng.Next(4) == 0 ? rng.Next(buf.Length + 1) : buf.Length;
            Exercise(buf.AsSpan(0, len));
        }
    }

    [Fact]
    public void EveryPrefix_IsRejectedWithoutThrowing()
    {
        var bytes = Convert.FromHexString(File.ReadAllText(Conformance.PathOf("stun-rfc5769", "sample-request.hex")).Trim());
        for (int n = 0; n < bytes.Length; n++)
            Assert.NotEqual(StunError.None, StunMessage.TryParse(bytes.AsSpan(0, n), out _, out _));
    }

    [Fact]
    public void BuiltMessages_RoundTrip()
    {
        var rng = new Random(1);
        Span<byte> buf = stackalloc byte[512];
        Span<byte> tid = stackalloc byte[12];
        for (int i = 0; i < 500; i++)
        {
            rng.NextBytes(tid);
            var ep = i % 2 == 0
                ? new IPEndPoint(new IPAddress(rng.Next()), rng.Next(65536))
                : new IPEndPoint(IPAddress.Parse("2001:db8::" + rng.Next(65535).ToString("x")), rng.Next(65536));
            var w = new StunWriter(buf, StunMethod.Binding, StunClass.SuccessResponse, tid);
            w.AddXorMappedAddress(ep);
            w.AddErrorCode(487, "Role Conflict");
            w.AddMessageIntegrity("key"u8);
            w.AddMessageIntegritySha256("key"u8);
            w.AddFingerprint();
            Assert.Equal(StunError.None, w.Error);
            Assert.Equal(StunError.None, StunMessage.TryParse(w.Written, out var m, out _));
            Assert.True(m.TryGetXorMappedAddress(out var got));
            Assert.Equal(ep, got);
            Assert.True(m.TryGetErrorCode(out int code, out _));
            Assert.Equal(487, code);
            Assert.True(m.VerifyMessageIntegrity("key"u8));
            Assert.True(m.VerifyMessageIntegritySha256("key"u8));
            Assert.True(m.VerifyFingerprint());
        }
    }

    [Fact]
    public void Writer_SmallBuffer_ReportsErrorWithoutThrowing()
    {
        Span<byte> buf = stackalloc byte[24];
        var w = new StunWriter(buf, StunMethod.Binding, StunClass.Request, new byte[12]);
        w.AddAttribute(StunAttributeType.Username, "abcdefgh"u8);
        Assert.Equal(StunError.BufferTooSmall, w.Error);
    }

    private static void Exercise(ReadOnlySpan<byte> data)
    {
        StunMessage.IsStun(data);
        if (StunMessage.TryParse(data, out var m, out _) != StunError.None) return;
        _ = m.Class; _ = m.Method;
        m.TryGetXorMappedAddress(out _);
        m.TryGetErrorCode(out _, out _);
        m.TryGetUInt32(StunAttributeType.Priority, out _);
        m.VerifyMessageIntegrity("k"u8);
        m.VerifyMessageIntegritySha256("k"u8);
        m.VerifyFingerprint();
    }
}
