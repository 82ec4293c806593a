using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gateway.Server.Signaling;

/// <summary>
/// Verifies compact HS256 JWTs (RFC 7519, JWS RFC 7515 §7.1, HMAC-SHA256 RFC 7518 §3.2) and returns the subject.
/// Only alg "HS256" is accepted (never "none"); exp and nbf (NumericDate, §4.1.4/§4.1.5) are checked when present.
/// </summary>
internal sealed class JwtValidator(byte[]? key, TimeSpan clockSkew, TimeProvider time)
{
    private const int MaxTokenLength = 8192;

    /// <summary>Validates <paramref name="token"/>; never throws on bad input.</summary>
    public bool TryValidate(string token, out string? subject, out string error)
    {
        subject = null;
        if (key is null) { error = "tokens are not accepted (no secret configured)"; return false; }
        if (token.Length is 0 or > MaxTokenLength) { error = "token length out of range"; return false; }
        var first = token.IndexOf('.');
        var last = token.LastIndexOf('.');
        if (first <= 0 || last == first || last == token.Length - 1 || token.AsSpan(first + 1, last - first - 1).Contains('.'))
        {
            error = "token is not a compact JWS (header.payload.signature)";
            return false;
        }
        if (!TryDecode(token.AsSpan(0, first), out var header) || !TryDecode(token.AsSpan(first + 1, last - first - 1), out var payload)
            || !TryDecode(token.AsSpan(last + 1), out var signature))
        {
            error = "token is not valid base64url";
            return false;
        }
        if (!HeaderIsHs256(header)) { error = "token header must be {\"alg\":\"HS256\"}"; return false; }

        // The MAC covers the ASCII of "header.payload" exactly as sent (RFC 7515 §5.2).
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var signingInput = Encoding.ASCII.GetBytes(token, 0, last);
        HMACSHA256.HashData(key, signingInput, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, signature)) { error = "token signature is invalid"; return false; }

        return TryReadClaims(payload, out subject, out error);
    }

    private bool TryReadClaims(byte[] payload, out string? subject, out string error)
    {
        subject = null;
        try
        {
            using var doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) { error = "token payload is not a JSON object"; return false; }
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            var skew = (long)clockSkew.TotalSeconds;
            if (doc.RootElement.TryGetProperty("exp", out var exp))
            {
                if (exp.ValueKind != JsonValueKind.Number || !exp.TryGetDouble(out var e)) { error = "token exp is not a number"; return false; }
                if (now - skew >= e) { error = "token has expired"; return false; }
            }
            if (doc.RootElement.TryGetProperty("nbf", out var nbf))
            {
                if (nbf.ValueKind != JsonValueKind.Number || !nbf.TryGetDouble(out var n)) { error = "token nbf is not a number"; return false; }
                if (now + skew < n) { error = "token is not valid yet"; return false; }
            }
            if (!doc.RootElement.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String
                || sub.GetString() is not { Length: > 0 and <= 256 } s)
            {
                error = "token has no sub";
                return false;
            }
            subject = s;
            error = "";
            return true;
        }
        catch (JsonException)
        {
            error = "token payload is not valid JSON";
            return false;
        }
    }

    private static bool HeaderIsHs256(byte[] header)
    {
        try
        {
            using var doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String
                && alg.ValueEquals("HS256")
                // RFC 7515 §4.1.11: a "crit" we do not understand makes the token invalid.
                && !doc.RootElement.TryGetProperty("crit", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.IsEmpty) return false;
        var buffer = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        var status = Base64Url.DecodeFromChars(text, buffer, out var consumed, out var written);
        if (status != OperationStatus.Done || consumed != text.Length) return false;
        bytes = buffer.AsSpan(0, written).ToArray();
        return true;
    }
}
