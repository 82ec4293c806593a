using System.Text;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Signaling;

/// <summary>Startup validation of <see cref="SignalingOptions"/> (ValidateOnStart).</summary>
internal sealed class SignalingOptionsValidator : IValidateOptions<SignalingOptions>
{
    public ValidateOptionsResult Validate(string? name, SignalingOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.Domain) || o.Domain.Any(c => char.IsWhiteSpace(c) || c is '@' or ':' or ';'))
            errors.Add("Signaling:Domain must be a host name");
        if (o.JwtSecret is { Length: > 0 } s && Encoding.UTF8.GetByteCount(s) < 32)
            errors.Add("Signaling:JwtSecret must be at least 32 bytes (RFC 7518 §3.2)");
        if (string.IsNullOrEmpty(o.JwtSecret) && string.IsNullOrEmpty(o.JwksUrl) && string.IsNullOrEmpty(o.Authority)
            && !o.AllowLoopbackWithoutToken)
            errors.Add("Signaling:JwtSecret, JwksUrl or Authority is required unless Signaling:AllowLoopbackWithoutToken is true");
        Range(errors, "JwtClockSkew", o.JwtClockSkew, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        SigningKeyOptions(errors, o);
        Range(errors, "MaxFrameBytes", o.MaxFrameBytes, 1024, 16 * 1024 * 1024);
        Range(errors, "MaxSdpBytes", o.MaxSdpBytes, 256, 16 * 1024 * 1024); // a frame bounds it too
        Range(errors, "RoomCapacity", o.RoomCapacity, 2, 10_000);
        Range(errors, "MaxRoomsPerSession", o.MaxRoomsPerSession, 1, 1000);
        Range(errors, "ReconnectGrace", o.ReconnectGrace, TimeSpan.Zero, TimeSpan.FromHours(1));
        Range(errors, "SendQueueCapacity", o.SendQueueCapacity, 8, 100_000);
        Range(errors, "SendTimeout", o.SendTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        if (!(o.RateLimitPerSecond is >= 1 and <= 100_000))
            errors.Add("Signaling:RateLimitPerSecond must be in [1, 100000]");
        Range(errors, "RateLimitBurst", o.RateLimitBurst, 1, 1_000_000);
        Range(errors, "RateLimitAbuseSeconds", o.RateLimitAbuseSeconds, 1, 3600);
        Range(errors, "KeepAliveInterval", o.KeepAliveInterval, TimeSpan.Zero, TimeSpan.FromHours(1));
        Range(errors, "KeepAliveTimeout", o.KeepAliveTimeout, TimeSpan.Zero, TimeSpan.FromHours(1));
        foreach (var url in o.StunUrls)
            if (!IceUrl(url, "stun:", "stuns:"))
                errors.Add($"Signaling:StunUrls entry '{url}' must start with stun: or stuns:");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void SigningKeyOptions(List<string> errors, SignalingOptions o)
    {
        var jwks = !string.IsNullOrEmpty(o.JwksUrl);
        var authority = !string.IsNullOrEmpty(o.Authority);
        if (jwks && authority) errors.Add("Signaling:JwksUrl and Signaling:Authority are exclusive: set one");
        if (jwks && !SigningKeyUrl.IsAllowed(o.JwksUrl))
            errors.Add($"Signaling:JwksUrl '{o.JwksUrl}' must be an absolute https URL (http only to a loopback host)");
        if (authority && (!SigningKeyUrl.IsAllowed(o.Authority) || o.Authority!.Contains('?')))
            errors.Add($"Signaling:Authority '{o.Authority}' must be an absolute https URL without query (http only to a loopback host)");
        // Without an audience, a token the provider issued to any other application would open a session here.
        if ((jwks || authority) && string.IsNullOrEmpty(o.Audience))
            errors.Add("Signaling:Audience is required with Signaling:JwksUrl or Signaling:Authority");
        if (o.Issuer is { Length: > 0 } issuer && (issuer.Length > 1024 || issuer.Any(char.IsWhiteSpace)))
            errors.Add("Signaling:Issuer must be at most 1024 characters without spaces");
        if (o.Audience is { Length: > 0 } audience && (audience.Length > 1024 || audience.Any(char.IsWhiteSpace)))
            errors.Add("Signaling:Audience must be at most 1024 characters without spaces");
        // The key cache's own floors: 5 minutes between scheduled refreshes, 1 second between early ones.
        Range(errors, "JwksRefreshInterval", o.JwksRefreshInterval, TimeSpan.FromMinutes(5), TimeSpan.FromDays(7));
        Range(errors, "JwksRefreshMinInterval", o.JwksRefreshMinInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
    }

    internal static bool IceUrl(string? url, string scheme, string secureScheme) =>
        url is { Length: > 0 and <= 512 } && !url.Any(char.IsWhiteSpace)
        && ((url.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && url.Length > scheme.Length)
            || (url.StartsWith(secureScheme, StringComparison.OrdinalIgnoreCase) && url.Length > secureScheme.Length));

    private static void Range<T>(List<string> errors, string key, T value, T min, T max) where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
            errors.Add($"Signaling:{key} must be in [{min}, {max}], got {value}");
    }
}
