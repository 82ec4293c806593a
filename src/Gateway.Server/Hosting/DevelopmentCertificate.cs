using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Server.Hosting;

/// <summary>
/// The self-signed certificate used when no <c>Tls:CertificatePath</c> is configured: ECDSA P-256, SAN localhost,
/// 127.0.0.1 and ::1, valid one year, kept in <c>certs/dev-cert.pfx</c> under the content root and reused while valid.
/// </summary>
internal static class DevelopmentCertificate
{
    public const string FileName = "dev-cert.pfx";

    /// <summary>A certificate closer than this to expiry is replaced.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(7);

    /// <summary>
    /// Loads the stored development certificate or generates (and stores) a new one. When the folder is not writable the new
    /// certificate is still returned (with <paramref name="storeError"/> set): the gateway starts, with a new certificate on every start.
    /// </summary>
    public static (X509Certificate2 Certificate, bool Generated) LoadOrCreate(string path, TimeProvider time) =>
        LoadOrCreate(path, time, out _);

    public static (X509Certificate2 Certificate, bool Generated) LoadOrCreate(string path, TimeProvider time, out Exception? storeError)
    {
        storeError = null;
        var now = time.GetUtcNow();
        if (TryLoad(path, now) is { } existing)
            return (existing, false);

        var pfx = Create(now);
        try
        {
            Store(path, pfx);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            storeError = e;
        }
        return (X509CertificateLoader.LoadPkcs12(pfx, password: null), true);
    }

    /// <summary>Writes the PFX readable by the owner only; throws IOException/UnauthorizedAccessException when it cannot.</summary>
    private static void Store(string path, byte[] pfx)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // private key: owner only
        using var file = new FileStream(path, options);
        file.Write(pfx);
    }

    private static X509Certificate2? TryLoad(string path, DateTimeOffset now)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            var cert = X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
            if (cert.HasPrivateKey && cert.NotBefore <= now.LocalDateTime && cert.NotAfter - RenewBefore > now.LocalDateTime)
                return cert;
            cert.Dispose();
        }
        catch (CryptographicException)
        {
            // Corrupt or foreign file: replaced below.
        }
        return null;
    }

    /// <summary>A new self-signed server certificate, exported as PKCS#12 without password.</summary>
    public static byte[] Create(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Gateway development certificate", key, HashAlgorithmName.SHA256);

        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        return cert.Export(X509ContentType.Pfx);
    }
}
