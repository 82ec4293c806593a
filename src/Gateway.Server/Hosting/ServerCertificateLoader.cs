using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Server.Hosting;

/// <summary>Loads the HTTPS certificate from <see cref="TlsOptions"/>, or the development certificate when none is configured.</summary>
internal static partial class ServerCertificateLoader
{
    public static X509Certificate2 Load(TlsOptions tls, string contentRoot, ILogger logger, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(tls.CertificatePath))
        {
            var path = Path.Combine(contentRoot, "certs", DevelopmentCertificate.FileName);
            var (cert, generated) = DevelopmentCertificate.LoadOrCreate(path, time, out var storeError);
            if (storeError is not null)
                Log.DevelopmentCertificateNotStored(logger, path, storeError);
            else if (generated)
                Log.DevelopmentCertificateGenerated(logger, path, cert.NotAfter, cert.Thumbprint);
            else
                Log.DevelopmentCertificateReused(logger, path, cert.NotAfter);
            return cert;
        }

        var certPath = Path.GetFullPath(tls.CertificatePath, contentRoot);
        try
        {
            var loaded = LoadConfigured(tls, certPath, contentRoot);
            Log.CertificateLoaded(logger, certPath, loaded.Subject, loaded.NotAfter);
            return loaded;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new GatewayStartupException($"the HTTPS certificate {certPath} cannot be read: {e.Message.TrimEnd('.')}",
                "Check Tls:CertificatePath, Tls:KeyPath and Tls:Password (certs/README.md), or leave Tls:CertificatePath empty for the development certificate", e);
        }
    }

    private static X509Certificate2 LoadConfigured(TlsOptions tls, string certPath, string contentRoot)
    {
        const string Remedy = "Set Tls:CertificatePath (and Tls:KeyPath) to a readable PEM or PFX file (certs/README.md), or leave it empty for the development certificate";
        if (!File.Exists(certPath))
            throw new GatewayStartupException($"Tls:CertificatePath '{certPath}' does not exist", Remedy);
        X509Certificate2 loaded;
        if (IsPkcs12(certPath))
        {
            loaded = X509CertificateLoader.LoadPkcs12FromFile(certPath, tls.Password);
        }
        else
        {
            var keyPath = string.IsNullOrWhiteSpace(tls.KeyPath) ? null : Path.GetFullPath(tls.KeyPath, contentRoot);
            if (keyPath is not null && !File.Exists(keyPath))
                throw new GatewayStartupException($"Tls:KeyPath '{keyPath}' does not exist", Remedy);
            loaded = string.IsNullOrEmpty(tls.Password)
                ? X509Certificate2.CreateFromPemFile(certPath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(certPath, tls.Password, keyPath);
        }
        if (!loaded.HasPrivateKey)
            throw new GatewayStartupException($"Tls:CertificatePath '{certPath}' has no private key", "Set Tls:KeyPath to its PEM key file, or use a PFX that holds the key");
        return loaded;
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static partial class Log
    {
        [LoggerMessage(1011, LogLevel.Warning,
            "No Tls:CertificatePath configured: generated a self-signed DEVELOPMENT certificate at {Path} (valid until {NotAfter:u}, SHA-1 {Thumbprint}). " +
            "Browsers will warn until you accept it; configure a real certificate for deployments (certs/README.md).")]
        public static partial void DevelopmentCertificateGenerated(ILogger logger, string path, DateTime notAfter, string thumbprint);

        [LoggerMessage(1012, LogLevel.Warning,
            "No Tls:CertificatePath configured: using the self-signed DEVELOPMENT certificate at {Path} (valid until {NotAfter:u}); see certs/README.md.")]
        public static partial void DevelopmentCertificateReused(ILogger logger, string path, DateTime notAfter);

        [LoggerMessage(1014, LogLevel.Warning,
            "No Tls:CertificatePath configured and {Path} cannot be written: using a self-signed DEVELOPMENT certificate " +
            "generated for this run only (a new one on every start). Make certs/ writable or configure Tls:CertificatePath.")]
        public static partial void DevelopmentCertificateNotStored(ILogger logger, string path, Exception exception);

        [LoggerMessage(1013, LogLevel.Information, "HTTPS certificate {Path}: {Subject}, valid until {NotAfter:u}.")]
        public static partial void CertificateLoaded(ILogger logger, string path, string subject, DateTime notAfter);
    }
}
