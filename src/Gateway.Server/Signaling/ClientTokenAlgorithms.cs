using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Server.Signaling;

/// <summary>
/// The JWS algorithms a client token may use, each tied to one key kind (RFC 7518 §3.1; RFC 8725 §3.1 "perform
/// algorithm verification"): HS256 only with the configured secret, RS256 only with an RSA key and ES256 only with a
/// P-256 key of the JWKS. "none" is never allowed, and a public key is never used as an HMAC secret.
/// </summary>
internal sealed class ClientTokenAlgorithms(SecurityKey? secret, bool publicKeys)
{
    public IReadOnlyList<string> Names { get; } =
        [.. secret is null ? [] : new[] { SecurityAlgorithms.HmacSha256 },
         .. publicKeys ? new[] { SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256 } : []];

    /// <summary>An <see cref="AlgorithmValidator"/>: may <paramref name="algorithm"/> be verified with <paramref name="key"/>?</summary>
    public bool IsAllowed(string algorithm, SecurityKey key, SecurityToken token, TokenValidationParameters parameters)
    {
        // RFC 7517 §4.4: a JWK that names its "alg" is for that algorithm only.
        if (key is JsonWebKey { Alg.Length: > 0 } jwk && !string.Equals(jwk.Alg, algorithm, StringComparison.Ordinal)) return false;
        return algorithm switch
        {
            SecurityAlgorithms.HmacSha256 => KindOf(key) == SigningKeyKind.Secret,
            SecurityAlgorithms.RsaSha256 => publicKeys && KindOf(key) == SigningKeyKind.Rsa,
            SecurityAlgorithms.EcdsaSha256 => publicKeys && KindOf(key) == SigningKeyKind.EcP256,
            _ => false,
        };
    }

    /// <summary>
    /// An <see cref="IssuerSigningKeyResolverUsingConfiguration"/>: the keys a token may be tried against, those of its
    /// alg's kind and, for public keys, of its "kid" (RFC 7515 §4.1.4) when it names one. A token therefore costs at
    /// most one verification per published key of its kind, and an unknown kid costs none (and asks the cache to refresh).
    /// </summary>
    public IEnumerable<SecurityKey> Candidates(string token, SecurityToken securityToken, string kid, TokenValidationParameters parameters,
        BaseConfiguration? configuration)
    {
        var algorithm = securityToken is JsonWebToken jwt ? jwt.Alg : null;
        if (algorithm is null) return [];
        if (algorithm == SecurityAlgorithms.HmacSha256) return secret is null ? [] : [secret]; // the secret has no kid
        if (!publicKeys || configuration is null) return [];
        var candidates = new List<SecurityKey>();
        foreach (var key in configuration.SigningKeys)
            if ((string.IsNullOrEmpty(kid) || string.Equals(key.KeyId, kid, StringComparison.Ordinal))
                && IsAllowed(algorithm, key, securityToken, parameters))
                candidates.Add(key);
        return candidates;
    }

    public SigningKeyKind KindOf(SecurityKey key) => key switch
    {
        _ when secret is not null && ReferenceEquals(key, secret) => SigningKeyKind.Secret,
        RsaSecurityKey => SigningKeyKind.Rsa,
        ECDsaSecurityKey ec => ec.ECDsa.KeySize == 256 ? SigningKeyKind.EcP256 : SigningKeyKind.Other,
        JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.RSA } => SigningKeyKind.Rsa,
        JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.EllipticCurve, Crv: JsonWebKeyECTypes.P256 } => SigningKeyKind.EcP256,
        X509SecurityKey x => KindOf(x.Certificate),
        _ => SigningKeyKind.Other,
    };

    private static SigningKeyKind KindOf(X509Certificate2 certificate)
    {
        if (certificate.GetRSAPublicKey() is { } rsa) { rsa.Dispose(); return SigningKeyKind.Rsa; }
        using var ec = certificate.GetECDsaPublicKey();
        return ec?.KeySize == 256 ? SigningKeyKind.EcP256 : SigningKeyKind.Other;
    }
}
