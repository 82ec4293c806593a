using System.Security.Cryptography;

namespace Gateway.Sip.Auth;

/// <summary>
/// Answers a 401/407 Digest challenge (RFC 3261 §22.2, RFC 2617, RFC 8760): builds the Authorization or
/// Proxy-Authorization value for a request. Prefers qop=auth; counts nonce uses (nc) per nonce.
/// </summary>
public sealed class DigestClient(string username, string password)
{
    private string? _nonce;
    private int _nonceCount;

    /// <summary>Builds credentials for the challenge; false when the challenge is not a usable Digest challenge.</summary>
    public bool TryAnswer(string challengeHeaderValue, string method, string digestUri, out string? credentials)
    {
        credentials = null;
        if (!DigestParameters.TryParse(challengeHeaderValue, out var challenge)) return false;
        if (challenge!["realm"] is not { } realm || challenge["nonce"] is not { } nonce) return false;
        if (!DigestHash.TryParseName(challenge["algorithm"], out var algorithm)) return false;

        string? qop = null;
        if (challenge["qop"] is { } offered)
        {
            foreach (var option in offered.Split(',', StringSplitOptions.TrimEntries))
                if (option.Equals("auth", StringComparison.OrdinalIgnoreCase)) qop = "auth";
            if (qop is null) return false; // auth-int only: we do not hash bodies
        }

        if (nonce != _nonce) { _nonce = nonce; _nonceCount = 0; }
        var nc = (++_nonceCount).ToString("x8");
        var cnonce = qop is null ? null : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var response = DigestHash.Response(algorithm, username, realm, password, method, digestUri, nonce, qop, nc, cnonce);

        var value = "Digest username=" + DigestParameters.Quote(username) + ", realm=" + DigestParameters.Quote(realm) +
                    ", nonce=" + DigestParameters.Quote(nonce) + ", uri=" + DigestParameters.Quote(digestUri) +
                    ", response=" + DigestParameters.Quote(response) + ", algorithm=" + DigestHash.Name(algorithm);
        if (challenge["opaque"] is { } opaque) value += ", opaque=" + DigestParameters.Quote(opaque);
        if (qop is not null) value += ", qop=auth, nc=" + nc + ", cnonce=" + DigestParameters.Quote(cnonce!);
        credentials = value;
        return true;
    }
}
