using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Gateway.Server.Signaling;

/// <summary>
/// The cached, refreshed public keys of RS256/ES256 client tokens: from Signaling:JwksUrl (a JWK Set, RFC 7517 §5) or
/// from Signaling:Authority's discovery document (OpenID Connect Discovery 1.0 §4, its jwks_uri). The cache refreshes
/// every JwksRefreshInterval, and early when a token names an unknown key, at most once per JwksRefreshMinInterval.
/// </summary>
internal static class SigningKeySource
{
    public const string DiscoveryPath = "/.well-known/openid-configuration";

    /// <summary>The key cache, or null when neither JwksUrl nor Authority is set.</summary>
    public static ConfigurationManager<OpenIdConnectConfiguration>? Create(SignalingOptions o, IDocumentRetriever documents)
    {
        ConfigurationManager<OpenIdConnectConfiguration>? keys = null;
        if (!string.IsNullOrEmpty(o.JwksUrl))
            keys = new(o.JwksUrl, new SigningKeyRetriever(discovery: false), documents);
        else if (!string.IsNullOrEmpty(o.Authority))
            keys = new(DiscoveryAddress(o.Authority), new SigningKeyRetriever(discovery: true), documents);
        if (keys is null) return null;
        keys.AutomaticRefreshInterval = o.JwksRefreshInterval;
        keys.RefreshInterval = o.JwksRefreshMinInterval;
        return keys;
    }

    /// <summary>Discovery §4: the configuration lives at the issuer URL with /.well-known/openid-configuration appended.</summary>
    public static string DiscoveryAddress(string authority) =>
        authority.EndsWith(DiscoveryPath, StringComparison.Ordinal) ? authority : authority.TrimEnd('/') + DiscoveryPath;
}
