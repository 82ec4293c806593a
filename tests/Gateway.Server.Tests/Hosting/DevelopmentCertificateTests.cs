using System.Security.Cryptography.X509Certificates;
using Gateway.Server.Hosting;

namespace Gateway.Server.Tests.Hosting;

public sealed class DevelopmentCertificateTests : IDisposable
{
    private readonly string _dir = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_dir);

    [Fact]
    public void Generated_once_then_reused()
    {
        var path = Path.Combine(_dir, "certs", DevelopmentCertificate.FileName);

        var (first, generated) = DevelopmentCertificate.LoadOrCreate(path, TimeProvider.System);
        var (second, generatedAgain) = DevelopmentCertificate.LoadOrCreate(path, TimeProvider.System);

        Assert.True(generated);
        Assert.False(generatedAgain);
        Assert.True(File.Exists(path));
        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.True(second.HasPrivateKey);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Is_an_ecdsa_p256_server_certificate_for_localhost_valid_one_year()
    {
        var now = DateTimeOffset.UtcNow;
        var (cert, _) = DevelopmentCertificate.LoadOrCreate(Path.Combine(_dir, "dev.pfx"), TimeProvider.System);

        using var key = cert.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", san.EnumerateDnsNames());
        var ips = san.EnumerateIPAddresses().Select(a => a.ToString()).ToList();
        Assert.Contains("127.0.0.1", ips);
        Assert.Contains("::1", ips);
        var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Contains(eku.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.1");
        Assert.InRange(cert.NotAfter.ToUniversalTime(), now.AddDays(364).UtcDateTime, now.AddDays(367).UtcDateTime);
    }

    [Fact]
    public void Replaced_when_near_expiry()
    {
        var path = Path.Combine(_dir, "dev.pfx");
        var (first, _) = DevelopmentCertificate.LoadOrCreate(path, TimeProvider.System);

        var (second, generated) = DevelopmentCertificate.LoadOrCreate(path, new FixedTime(DateTimeOffset.UtcNow.AddDays(360)));

        Assert.True(generated);
        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
    }

    [Fact]
    public void Replaced_when_corrupt()
    {
        var path = Path.Combine(_dir, "dev.pfx");
        File.WriteAllText(path, "not a certificate");

        var (cert, generated) = DevelopmentCertificate.LoadOrCreate(path, TimeProvider.System);

        Assert.True(generated);
        Assert.True(cert.HasPrivateKey);
    }

    internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
