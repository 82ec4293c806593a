using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Server.Tests.Signaling;

/// <summary>
/// An identity provider's key pairs for tests: an RSA 2048 key (RS256) and an EC P-256 key (ES256), their public JWK Set
/// (RFC 7517 §5) and compact JWS tokens (RFC 7515 §7.1) signed by them, or by anything a test wants to try.
/// </summary>
public sealed class TestSigningKeys : IDisposable
{
    public const string RsaKid = "rsa-1";
    public const string EcKid = "ec-1";
    public const string Issuer = "https://idp.example.test/";
    public const string Audience = "gateway-test";

    public RSA Rsa { get; } = RSA.Create(2048);
    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The public JWK Set with the RSA and/or the EC key.</summary>
    public string Jwks(bool rsa = true, bool ec = true)
    {
        var keys = new JsonArray();
        if (rsa) keys.Add(RsaJwk(Rsa, RsaKid));
        if (ec) keys.Add(EcJwk(Ec, EcKid));
        return new JsonObject { ["keys"] = keys }.ToJsonString();
    }

    public static JsonObject RsaJwk(RSA rsa, string kid)
    {
        var p = rsa.ExportParameters(false);
        return new JsonObject { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = kid, ["n"] = B64(p.Modulus!), ["e"] = B64(p.Exponent!) };
    }

    public static JsonObject EcJwk(ECDsa ec, string kid)
    {
        var p = ec.ExportParameters(false);
        return new JsonObject { ["kty"] = "EC", ["use"] = "sig", ["crv"] = "P-256", ["kid"] = kid, ["x"] = B64(p.Q.X!), ["y"] = B64(p.Q.Y!) };
    }

    /// <summary>Claims of a token valid around <paramref name="now"/> for <see cref="Issuer"/> and <see cref="Audience"/>.</summary>
    public static JsonObject Claims(string sub, DateTimeOffset now, string? iss = Issuer, string? aud = Audience,
        TimeSpan? expiresIn = null, TimeSpan? notBeforeIn = null)
    {
        var claims = new JsonObject { ["sub"] = sub, ["iat"] = now.ToUnixTimeSeconds() };
        if (iss is not null) claims["iss"] = iss;
        if (aud is not null) claims["aud"] = aud;
        claims["exp"] = now.Add(expiresIn ?? TimeSpan.FromMinutes(5)).ToUnixTimeSeconds();
        if (notBeforeIn is { } nbf) claims["nbf"] = now.Add(nbf).ToUnixTimeSeconds();
        return claims;
    }

    public string Rs256(JsonObject claims, string kid = RsaKid) =>
        Sign("RS256", kid, claims, input => Rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>RFC 7518 §3.4: the ES256 signature is R || S, 32 bytes each.</summary>
    public string Es256(JsonObject claims, string kid = EcKid) =>
        Sign("ES256", kid, claims, input => Ec.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    public static string Hs256(JsonObject claims, byte[] secret, string? kid = null) =>
        Sign("HS256", kid, claims, input => HMACSHA256.HashData(secret, input));

    /// <summary>An unsecured JWS (RFC 7519 §6): alg "none", empty signature.</summary>
    public static string Unsigned(JsonObject claims, string? kid = null) => Sign("none", kid, claims, _ => []);

    public static string Sign(string alg, string? kid, JsonObject claims, Func<byte[], byte[]> signer)
    {
        var header = new JsonObject { ["alg"] = alg, ["typ"] = "JWT" };
        if (kid is not null) header["kid"] = kid;
        var input = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return input + "." + B64(signer(Encoding.ASCII.GetBytes(input)));
    }

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public void Dispose()
    {
        Rsa.Dispose();
        Ec.Dispose();
    }
}
