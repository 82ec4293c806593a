using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Dialplan;

/// <summary>SRTP with SDES keys (RFC 4568) toward a trunk: the <c>srtp:</c> key (dialplan/README.md "TLS and SRTP").</summary>
public enum TrunkSrtpMode
{
    Off,
    /// <summary>Best effort: RTP/AVP with a=crypto, plain RTP when the trunk answers without.</summary>
    Optional,
    /// <summary>RTP/SAVP with a=crypto; a call without SRTP fails (488).</summary>
    Required,
}

/// <summary>
/// The trunk's TLS and SRTP settings as the loader checks them: <c>srtp: off | optional | required</c> and
/// <c>tls_ca:</c>, a PEM file of the CA certificates the trunk's TLS certificate must chain to (relative to the dialplan
/// file); without it the system trust store is used.
/// </summary>
public static class TrunkSecurity
{
    public static TrunkSrtpMode? ParseSrtp(string? value) => value switch
    {
        null or "off" or "false" => TrunkSrtpMode.Off,
        "optional" => TrunkSrtpMode.Optional,
        "required" or "true" => TrunkSrtpMode.Required,
        _ => null,
    };

    /// <summary>Resolves <paramref name="path"/> against the dialplan file's folder and loads its certificates; null and an error when unusable.</summary>
    public static string? ResolveCaFile(string path, string dialplanFile, out X509Certificate2Collection? certificates, out string? error)
    {
        certificates = null;
        error = null;
        var folder = Path.GetDirectoryName(Path.GetFullPath(dialplanFile)) ?? ".";
        var full = Path.GetFullPath(Path.Combine(folder, path));
        try
        {
            var loaded = new X509Certificate2Collection();
            loaded.ImportFromPemFile(full);
            if (loaded.Count == 0)
            {
                error = $"tls_ca '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
                return null;
            }
            certificates = loaded;
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            error = $"tls_ca '{path}' cannot be read as PEM certificates ({full}): {e.Message}";
            return null;
        }
    }
}
