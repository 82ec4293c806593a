using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Sip.Auth;

/// <summary>Outcome of checking a request's Digest credentials.</summary>
public enum DigestVerdict
{
    Valid,
    /// <summary>No or unparseable credentials: challenge.</summary>
    Missing,
    /// <summary>The nonce is well formed and ours but too old: challenge again with stale=true (RFC 2617 §3.2.1).</summary>
    Stale,
    /// <summary>Wrong password, foreign nonce, wrong realm or URI: 403 or a fresh challenge.</summary>
    Invalid,
}

/// <summary>
/// Challenges SIP phones and checks their answers (RFC 3261 §22.4, RFC 7616) without per-nonce state:
/// a nonce is base64(timestamp || HMAC-SHA256(secret, timestamp || realm)), so any instance holding the
/// secret can verify it and its age.
/// </summary>
public sealed class DigestServer(string realm, byte[] secret, TimeProvider time, TimeSpan? nonceLifetime = null)
{
    private readonly TimeSpan _lifetime = nonceLifetime ?? TimeSpan.FromMinutes(5);

    public string Realm => realm;

    /// <summary>The WWW-Authenticate / Proxy-Authenticate value of a fresh challenge.</summary>
    public string CreateChallenge(DigestAlgorithm algorithm = DigestAlgorithm.Md5, bool stale = false) =>
        "Digest realm=" + DigestParameters.Quote(realm) + ", nonce=" + DigestParameters.Quote(CreateNonce()) +
        ", algorithm=" + DigestHash.Name(algorithm) + ", qop=\"auth\"" + (stale ? ", stale=true" : "");

    /// <summary>Checks credentials against the user's password; the method and URI come from the request.</summary>
    public DigestVerdict Verify(string? credentialsHeaderValue, string method, Func<string, string?> passwordOf)
    {
        if (credentialsHeaderValue is null || !DigestParameters.TryParse(credentialsHeaderValue, out var c)) return DigestVerdict.Missing;
        if (c!["username"] is not { } user || c["nonce"] is not { } nonce || c["uri"] is not { } uri || c["response"] is not { } response)
            return DigestVerdict.Missing;
        if (c["realm"] != realm || !DigestHash.TryParseName(c["algorithm"], out var algorithm)) return DigestVerdict.Invalid;
        if (!TryReadNonce(nonce, out var issued)) return DigestVerdict.Invalid;
        if (passwordOf(user) is not { } password) return DigestVerdict.Invalid;

        var qop = c["qop"];
        if (qop is not null && (!qop.Equals("auth", StringComparison.OrdinalIgnoreCase) || c["nc"] is null || c["cnonce"] is null))
            return DigestVerdict.Invalid;
        var expected = DigestHash.Response(algorithm, user, realm, password, method, uri, nonce, qop, c["nc"], c["cnonce"]);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(response.ToLowerInvariant())))
            return DigestVerdict.Invalid;
        return time.GetUtcNow() - issued > _lifetime ? DigestVerdict.Stale : DigestVerdict.Valid;
    }

    /// <summary>Whether a nonce was issued with this secret and realm (a foreign one, e.g. from before a restart, deserves a fresh challenge).</summary>
    public bool IsOwnNonce(string nonce) => TryReadNonce(nonce, out _);

    private string CreateNonce()
    {
        Span<byte> nonce = stackalloc byte[8 + 32];
        BinaryPrimitives.WriteInt64BigEndian(nonce, time.GetUtcNow().ToUnixTimeMilliseconds());
        Sign(nonce[..8], nonce[8..]);
        return Convert.ToBase64String(nonce);
    }

    private bool TryReadNonce(string nonce, out DateTimeOffset issued)
    {
        issued = default;
        Span<byte> bytes = stackalloc byte[40];
        if (!Convert.TryFromBase64String(nonce, bytes, out var n) || n != 40) return false;
        Span<byte> mac = stackalloc byte[32];
        Sign(bytes[..8], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes[8..])) return false;
        issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(bytes));
        return true;
    }

    private void Sign(ReadOnlySpan<byte> timestamp, Span<byte> mac)
    {
        var realmBytes = Encoding.UTF8.GetBytes(realm);
        var data = new byte[timestamp.Length + realmBytes.Length];
        timestamp.CopyTo(data);
        realmBytes.CopyTo(data.AsSpan(timestamp.Length));
        HMACSHA256.HashData(secret, data, mac);
    }
}
