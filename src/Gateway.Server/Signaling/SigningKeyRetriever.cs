using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Server.Signaling;

/// <summary>
/// Reads the provider's keys for the key cache: a bare JWK Set (RFC 7517 §5, Signaling:JwksUrl) or a discovery document
/// and its jwks_uri (OpenID Connect Discovery 1.0 §3, Signaling:Authority). The signing keys kept are the JWKs themselves,
/// RSA or EC P-256 with "use" absent or "sig" (§4.2), so that a JWK's "alg" (§4.4) still binds it when tokens are checked.
/// </summary>
internal sealed class SigningKeyRetriever(bool discovery) : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    /// <summary>More keys than any provider publishes during a rotation; a larger set is refused whole.</summary>
    public const int MaxKeys = 32;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        OpenIdConnectConfiguration configuration;
        if (discovery)
        {
            configuration = await OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, cancel);
        }
        else
        {
            var set = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel));
            configuration = new OpenIdConnectConfiguration { JwksUri = address, JsonWebKeySet = set };
        }
        var keys = configuration.JsonWebKeySet?.Keys ?? [];
        if (keys.Count > MaxKeys) throw new InvalidDataException($"the JWK Set has {keys.Count} keys, more than {MaxKeys}");
        configuration.SigningKeys.Clear();
        foreach (var key in keys)
            if (IsSigningKey(key)) configuration.SigningKeys.Add(key);
        return configuration;
    }

    private static bool IsSigningKey(JsonWebKey key) =>
        (string.IsNullOrEmpty(key.Use) || key.Use == JsonWebKeyUseNames.Sig)
        && key.Kty is JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve;
}
