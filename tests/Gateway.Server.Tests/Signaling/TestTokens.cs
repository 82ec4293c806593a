using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Server.Tests.Signaling;

/// <summary>Makes HS256 JWTs for tests.</summary>
internal static class TestTokens
{
    public const string Secret = "test-secret-0123456789-abcdefghijklmnop";

    public static string Make(string sub, DateTimeOffset? exp = null, DateTimeOffset? nbf = null, string secret = Secret, string alg = "HS256")
    {
        var payload = new JsonObject { ["sub"] = sub };
        if (exp is { } e) payload["exp"] = e.ToUnixTimeSeconds();
        if (nbf is { } n) payload["nbf"] = n.ToUnixTimeSeconds();
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}"));
        var body = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(header + "." + body));
        return header + "." + body + "." + Base64Url.EncodeToString(mac);
    }
}
