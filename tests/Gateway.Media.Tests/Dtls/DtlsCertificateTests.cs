using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Media.Dtls;
using Xunit;

namespace Gateway.Media.Tests.Dtls;

public sealed class DtlsCertificateTests
{
    [Fact]
    public void Generate_MakesASelfSignedEcdsaP256Certificate_ValidFor30Days()
    {
        var certificate = DtlsCertificate.Generate();
        using var x509 = X509CertificateLoader.LoadCertificate(certificate.Der);
        using var key = x509.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key.ExportParameters(false).Curve.Oid.Value);
        Assert.Equal("CN=gateway", x509.Subject);
        Assert.Equal(x509.Subject, x509.Issuer);
        Assert.Equal("1.2.840.10045.4.3.2", x509.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        Assert.InRange(x509.NotAfter.ToUniversalTime() - DateTime.UtcNow, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30.1));
        Assert.True(x509.NotBefore.ToUniversalTime() < DateTime.UtcNow);
        // The self-signature verifies with the certificate's own key.
        var chain = new X509Chain { ChainPolicy = { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck } };
        chain.ChainPolicy.CustomTrustStore.Add(x509);
        Assert.True(chain.Build(x509), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public void Fingerprint_IsUpperCaseSha256OfTheDer_InColonSeparatedPairs()
    {
        var certificate = DtlsCertificate.Generate();
        Assert.Equal("sha-256", DtlsCertificate.FingerprintAlgorithm);
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", certificate.Fingerprint);
        var expected = string.Join(':', SHA256.HashData(certificate.Der).Select(b => b.ToString("X2")));
        Assert.Equal(expected, certificate.Fingerprint);
    }

    [Fact]
    public void Generate_GivesEachCallItsOwnKey()
    {
        Assert.NotEqual(DtlsCertificate.Generate().Fingerprint, DtlsCertificate.Generate().Fingerprint);
    }

    [Theory]
    [InlineData("AB:cd:01", true)]
    [InlineData(" AB:CD:01 ", true)]
    [InlineData("AB:CD:0", false)]
    [InlineData("AB-CD-01", false)]
    [InlineData("ABCD01", false)]
    [InlineData("AB:CD:0G", false)]
    [InlineData("", false)]
    [InlineData("A", false)]
    public void FingerprintParsing(string text, bool valid)
    {
        Assert.Equal(valid, DtlsFingerprint.TryParse(text, out var hash));
        if (valid) Assert.Equal(new byte[] { 0xAB, 0xCD, 0x01 }, hash);
    }
}
