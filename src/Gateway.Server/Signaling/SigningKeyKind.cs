namespace Gateway.Server.Signaling;

/// <summary>What a token-verification key is, which decides the one JWS alg it may verify (RFC 7518 §3.1).</summary>
internal enum SigningKeyKind
{
    Other,
    /// <summary>Signaling:JwtSecret: HS256 only.</summary>
    Secret,
    /// <summary>An RSA public key from the JWKS: RS256 only.</summary>
    Rsa,
    /// <summary>An EC P-256 public key from the JWKS: ES256 only.</summary>
    EcP256,
}
