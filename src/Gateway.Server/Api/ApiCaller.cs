using System.Security.Cryptography;
using System.Text;

namespace Gateway.Server.Api;

/// <summary>
/// Who made an operator request, for the log of mutating actions: the admin token by a short fingerprint (the first
/// 8 hex digits of its SHA-256, never the token itself), else the client's address (loopback or Admin:AllowedNetworks).
/// </summary>
internal static class ApiCaller
{
    public static string Describe(HttpContext http)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && authorization[scheme.Length..].Trim() is { Length: > 0 } token)
            return "token sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)).AsSpan(0, 4)) + " from " + Address(http);
        return "client " + Address(http);
    }

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress is { } ip
        ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString()
        : "unknown";
}
