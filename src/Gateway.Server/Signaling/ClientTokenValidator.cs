using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Server.Signaling;

/// <summary>
/// Validates client tokens (compact JWS JWTs, RFC 7519 §7.2) with Microsoft.IdentityModel: HS256 with Signaling:JwtSecret
/// and RS256/ES256 with the keys of Signaling:JwksUrl or Signaling:Authority (<see cref="SigningKeySource"/>); the alg
/// must suit the key (<see cref="ClientTokenAlgorithms"/>). exp and nbf (§4.1.4, §4.1.5) are checked when present, with
/// JwtClockSkew; iss (§4.1.1) and aud (§4.1.3) when Issuer/Authority and Audience are configured. The subject is the
/// user name: sub (§4.1.2) must be a non-empty string. Never throws on bad input.
/// </summary>
internal sealed class ClientTokenValidator
{
    /// <summary>Largest accepted token (characters); a URL or header carrying it is bounded anyway.</summary>
    public const int MaxTokenLength = 8192;
    private const int MaxSubjectLength = 256;

    private readonly JsonWebTokenHandler _handler = new() { MaximumTokenSizeInBytes = MaxTokenLength };
    private readonly TokenValidationParameters? _parameters;
    private readonly TimeProvider _time;
    private readonly TimeSpan _clockSkew;

    public ClientTokenValidator(IOptions<SignalingOptions> options, TimeProvider time, SigningKeyDocumentRetriever documents)
        : this(options.Value, time, SigningKeySource.Create(options.Value, documents))
    {
    }

    internal ClientTokenValidator(SignalingOptions o, TimeProvider time, ConfigurationManager<OpenIdConnectConfiguration>? keys)
    {
        _time = time;
        _clockSkew = o.JwtClockSkew;
        var secret = string.IsNullOrEmpty(o.JwtSecret) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(o.JwtSecret));
        if (secret is null && keys is null) return;
        var algorithms = new ClientTokenAlgorithms(secret, keys is not null);
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = secret is null ? [] : [secret],
            ConfigurationManager = keys,
            ValidAlgorithms = algorithms.Names,
            AlgorithmValidator = algorithms.IsAllowed,
            RequireSignedTokens = true,
            IssuerSigningKeyResolverUsingConfiguration = algorithms.Candidates,
            TryAllIssuerSigningKeys = false, // only the candidates: an unknown kid must not cost a verification per key
            ValidateIssuerSigningKey = false, // the keys are the configured secret or the provider's current JWKS
            // With an Authority and no Issuer, the discovery document's issuer is the one accepted.
            ValidateIssuer = !string.IsNullOrEmpty(o.Issuer) || !string.IsNullOrEmpty(o.Authority),
            ValidIssuer = string.IsNullOrEmpty(o.Issuer) ? null : o.Issuer,
            ValidateAudience = !string.IsNullOrEmpty(o.Audience),
            ValidAudience = string.IsNullOrEmpty(o.Audience) ? null : o.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = false, // as the protocol always had it: exp is checked when present
            ClockSkew = o.JwtClockSkew,
            LifetimeValidator = LifetimeIsValid, // on the injected clock
            ValidateTokenReplay = false,
            SaveSigninToken = false,
        };
    }

    /// <summary>Validates <paramref name="token"/>: the subject, or a short reason fit for a 401 body.</summary>
    public async ValueTask<TokenCheck> ValidateAsync(string token)
    {
        if (_parameters is null) return TokenCheck.Refused("tokens are not accepted (no secret or signing keys configured)");
        if (token.Length is 0 or > MaxTokenLength) return TokenCheck.Refused("token length out of range");
        TokenValidationResult result;
        try
        {
            // A copy per token: the handler marks the parameters it is given when it asks the key cache to refresh.
            result = await _handler.ValidateTokenAsync(token, _parameters.Clone());
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException)
        {
            return TokenCheck.Refused(Reason(e));
        }
        if (!result.IsValid) return TokenCheck.Refused(Reason(result.Exception));
        return result.SecurityToken is JsonWebToken jwt && SubjectOf(jwt) is { } subject
            ? TokenCheck.Accepted(subject)
            : TokenCheck.Refused("token has no sub");
    }

    /// <summary>RFC 7519 §4.1.4 exp and §4.1.5 nbf against the injected clock, with the skew; each is optional.</summary>
    private bool LifetimeIsValid(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (notBefore is { } nbf && expires is { } end && nbf > end)
            throw new SecurityTokenInvalidLifetimeException("nbf is after exp") { NotBefore = nbf, Expires = end };
        if (notBefore is { } n && n > now + _clockSkew) throw new SecurityTokenNotYetValidException("nbf is ahead") { NotBefore = n };
        if (expires is { } e && e <= now - _clockSkew) throw new SecurityTokenExpiredException("exp has passed") { Expires = e };
        return true;
    }

    /// <summary>RFC 7519 §4.1.2: sub is a StringOrURI, so a JSON string; the protocol makes it the user name.</summary>
    private static string? SubjectOf(JsonWebToken jwt) =>
        jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var sub) && sub is { Length: > 0 and <= MaxSubjectLength }
        && ClaimIsJsonString(jwt.EncodedPayload, "sub"u8)
            ? sub
            : null;

    /// <summary>Whether the payload's top-level member <paramref name="name"/> is a JSON string (the handler would turn 7 into "7").</summary>
    private static bool ClaimIsJsonString(string encodedPayload, ReadOnlySpan<byte> name)
    {
        var json = new byte[Base64Url.GetMaxDecodedLength(encodedPayload.Length)];
        if (Base64Url.DecodeFromChars(encodedPayload, json, out _, out var written) != OperationStatus.Done) return false;
        try
        {
            var reader = new Utf8JsonReader(json.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(name);
                if (!reader.Read()) return false;
                if (match) return reader.TokenType == JsonTokenType.String;
                reader.Skip();
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Reason(Exception? e) => e switch
    {
        SecurityTokenExpiredException => "token has expired",
        SecurityTokenNotYetValidException => "token is not valid yet",
        SecurityTokenInvalidLifetimeException => "token lifetime is invalid",
        SecurityTokenInvalidIssuerException => "token issuer is not accepted",
        SecurityTokenInvalidAudienceException => "token audience is not accepted",
        SecurityTokenInvalidAlgorithmException => "token alg is not accepted",
        SecurityTokenSignatureKeyNotFoundException => "token signature is invalid (no known key verifies it)",
        SecurityTokenInvalidSignatureException => "token signature is invalid",
        SecurityTokenMalformedException or ArgumentException => "token is not a compact JWS (header.payload.signature)",
        _ => "token is invalid",
    };
}
