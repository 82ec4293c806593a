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
        if (string.IsNullOrEmpty(o.JwtSecret) && !o.AllowLoopbackWithoutToken)
            errors.Add("Signaling:JwtSecret is required unless Signaling:AllowLoopbackWithoutToken is true");
        Range(errors, "JwtClockSkew", o.JwtClockSkew, TimeSpan.Zero, TimeSpan.FromMinutes(10));
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
