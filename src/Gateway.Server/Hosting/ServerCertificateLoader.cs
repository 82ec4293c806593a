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
        if (!File.Exists(certPath))
            throw new InvalidOperationException($"Tls:CertificatePath '{certPath}' does not exist (certs/README.md).");
        X509Certificate2 loaded;
        if (IsPkcs12(certPath))
        {
            loaded = X509CertificateLoader.LoadPkcs12FromFile(certPath, tls.Password);
        }
        else
        {
            var keyPath = string.IsNullOrWhiteSpace(tls.KeyPath) ? null : Path.GetFullPath(tls.KeyPath, contentRoot);
            if (keyPath is not null && !File.Exists(keyPath))
                throw new InvalidOperationException($"Tls:KeyPath '{keyPath}' does not exist (certs/README.md).");
            loaded = string.IsNullOrEmpty(tls.Password)
                ? X509Certificate2.CreateFromPemFile(certPath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(certPath, tls.Password, keyPath);
        }
        if (!loaded.HasPrivateKey)
            throw new InvalidOperationException($"Tls:CertificatePath '{certPath}' has no private key (set Tls:KeyPath for a PEM key file).");
        Log.CertificateLoaded(logger, certPath, loaded.Subject, loaded.NotAfter);
        return loaded;
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning,
            "No Tls:CertificatePath configured: generated a self-signed DEVELOPMENT certificate at {Path} (valid until {NotAfter:u}, SHA-1 {Thumbprint}). " +
            "Browsers will warn until you accept it; configure a real certificate for deployments (certs/README.md).")]
        public static partial void DevelopmentCertificateGenerated(ILogger logger, string path, DateTime notAfter, string thumbprint);

        [LoggerMessage(2, LogLevel.Warning,
            "No Tls:CertificatePath configured: using the self-signed DEVELOPMENT certificate at {Path} (valid until {NotAfter:u}); see certs/README.md.")]
        public static partial void DevelopmentCertificateReused(ILogger logger, string path, DateTime notAfter);

        [LoggerMessage(4, LogLevel.Warning,
            "No Tls:CertificatePath configured and {Path} cannot be written: using a self-signed DEVELOPMENT certificate " +
            "generated for this run only (a new one on every start). Make certs/ writable or configure Tls:CertificatePath.")]
        public static partial void DevelopmentCertificateNotStored(ILogger logger, string path, Exception exception);

        [LoggerMessage(3, LogLevel.Information, "HTTPS certificate {Path}: {Subject}, valid until {NotAfter:u}.")]
        public static partial void CertificateLoaded(ILogger logger, string path, string subject, DateTime notAfter);
    }
}
