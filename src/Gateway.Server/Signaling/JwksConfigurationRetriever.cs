using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Server.Signaling;

/// <summary>
/// Reads a bare JWK Set (RFC 7517 §5, Signaling:JwksUrl) into the configuration type the key cache holds, so a JWKS URL
/// and an OpenID authority share one cache. Only the signing keys are used; the issuer comes from Signaling:Issuer.
/// </summary>
internal sealed class JwksConfigurationRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    /// <summary>More keys than any provider publishes during a rotation; a larger set is refused whole.</summary>
    public const int MaxKeys = 64;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var document = await retriever.GetDocumentAsync(address, cancel);
        var set = new JsonWebKeySet(document);
        if (set.Keys.Count > MaxKeys) throw new InvalidDataException($"the JWK Set has {set.Keys.Count} keys, more than {MaxKeys}");
        var configuration = new OpenIdConnectConfiguration { JwksUri = address, JsonWebKeySet = set };
        foreach (var key in set.GetSigningKeys()) configuration.SigningKeys.Add(key);
        return configuration;
    }
}
