using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Gateway.Media.Srtp;

namespace Gateway.Bench.Media;

/// <summary>
/// SRTP protect and unprotect of a 172-byte G.711 packet (12-byte header + 160 bytes), per profile, and the refusal
/// of a forged packet from an unseen SSRC (authenticated with provisional state, nothing stored).
/// </summary>
[MemoryDiagnoser]
public class SrtpBenchmarks
{
    private readonly byte[] _plain = new byte[172];
    private readonly byte[] _buffer = new byte[200];
    private readonly byte[] _forged = new byte[200];
    private byte[] _forgedCopy = null!;
    private SrtpContext _tx = null!, _rx = null!;
    private ushort _seq;

    [Params(SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AeadAes128Gcm)]
    public SrtpProfile Profile { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var key = new byte[16];
        var salt = new byte[Profile.SaltLength()];
        Random.Shared.NextBytes(key);
        Random.Shared.NextBytes(salt);
        _tx = new SrtpContext(Profile, key, salt);
        _rx = new SrtpContext(Profile, key, salt);
        _plain[0] = 0x80;
        BinaryPrimitives.WriteUInt32BigEndian(_plain.AsSpan(8), 0x11223344);
        Random.Shared.NextBytes(_plain.AsSpan(12));
        Random.Shared.NextBytes(_forged);
        _forged[0] = 0x80;
        _forgedCopy = _forged[..(172 + Profile.RtpTagLength())];
    }

    [Benchmark(Baseline = true)]
    public int Protect()
    {
        _plain.CopyTo(_buffer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), _seq++);
        _tx.ProtectRtp(_buffer, 172, out var n);
        return n;
    }

    /// <summary>Protect then unprotect: unprotect alone is this minus <see cref="Protect"/>.</summary>
    [Benchmark]
    public int ProtectThenUnprotect()
    {
        _plain.CopyTo(_buffer, 0);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), _seq++);
        _tx.ProtectRtp(_buffer, 172, out var n);
        _rx.UnprotectRtp(_buffer.AsSpan(0, n), out var length);
        return length;
    }

    /// <summary>A forged packet (random SSRC, body and tag): refused, no state created.</summary>
    [Benchmark]
    public SrtpError UnprotectForged()
    {
        _forgedCopy.AsSpan().CopyTo(_forged);
        return _rx.UnprotectRtp(_forged.AsSpan(0, _forgedCopy.Length), out _);
    }
}
