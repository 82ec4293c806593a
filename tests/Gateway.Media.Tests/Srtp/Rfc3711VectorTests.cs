using Gateway.Media.Srtp;
using Gateway.Tests.Shared;

namespace Gateway.Media.Tests.Srtp;

/// <summary>RFC 3711 Appendix B vectors from tests/conformance/srtp-rfc3711/vectors.tsv, one named case per vector.</summary>
public sealed class Rfc3711VectorTests
{
    private static readonly Dictionary<string, byte[]> Vectors = File.ReadAllLines(Conformance.PathOf("srtp-rfc3711", "vectors.tsv"))
        .Skip(1).Select(l => l.Split('\t')).Where(f => f.Length == 3)
        .ToDictionary(f => f[0] + "/" + f[1], f => Convert.FromHexString(f[2]));

    public static TheoryData<string> KeystreamBlocks => new(["0000", "0001", "0002", "FEFF", "FF00", "FF01"]);

    [Theory]
    [MemberData(nameof(KeystreamBlocks))]
    public void B2_AesCmKeystreamBlock(string block)
    {
        var salt = Vectors["B.2/session_salt_shifted"][..14];
        using var cm = new AesCounterMode(Vectors["B.2/session_key"], salt);
        var output = new byte[16];
        cm.KeystreamBlock(0, 0, Convert.ToUInt16(block, 16), output);
        Assert.Equal(Vectors[$"B.2/keystream_{block}"], output);
    }

    [Fact]
    public void B2_ApplyXorsTheFirstThreeBlocks()
    {
        using var cm = new AesCounterMode(Vectors["B.2/session_key"], Vectors["B.2/session_salt_shifted"][..14]);
        var data = new byte[48];
        cm.Apply(0, 0, data);
        Assert.Equal(Vectors["B.2/keystream_0000"].Concat(Vectors["B.2/keystream_0001"]).Concat(Vectors["B.2/keystream_0002"]), data);
    }

    [Theory]
    [InlineData("cipher_key", SrtpKeyDerivation.RtpEncryption)]
    [InlineData("cipher_salt", SrtpKeyDerivation.RtpSalt)]
    [InlineData("auth_key_94_bytes", SrtpKeyDerivation.RtpAuthentication)]
    public void B3_KeyDerivation(string name, byte label)
    {
        var expected = Vectors["B.3/" + name];
        var output = new byte[expected.Length];
        SrtpKeyDerivation.Derive(Vectors["B.3/master_key"], Vectors["B.3/master_salt"], label, output);
        Assert.Equal(expected, output);
    }
}
