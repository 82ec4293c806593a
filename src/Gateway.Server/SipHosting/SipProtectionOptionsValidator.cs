using Microsoft.Extensions.Options;

namespace Gateway.Server.SipHosting;

/// <summary>Startup validation of <see cref="SipProtectionOptions"/> (ValidateOnStart).</summary>
internal sealed class SipProtectionOptionsValidator : IValidateOptions<SipProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, SipProtectionOptions o)
    {
        var errors = new List<string>();
        Range(errors, nameof(o.SourcePacketsPerSecond), o.SourcePacketsPerSecond, 0, 1_000_000);
        Range(errors, nameof(o.SourceTransactionsPerSecond), o.SourceTransactionsPerSecond, 1, 1_000_000);
        Range(errors, nameof(o.SourceBlockPeriod), o.SourceBlockPeriod, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        Range(errors, nameof(o.MaxTrackedSources), o.MaxTrackedSources, 16, 10_000_000);
        Range(errors, nameof(o.MaxServerTransactions), o.MaxServerTransactions, 16, 10_000_000);
        Range(errors, nameof(o.MaxClientTransactions), o.MaxClientTransactions, 16, 10_000_000);
        Range(errors, nameof(o.MaxConnections), o.MaxConnections, 1, 1_000_000);
        Range(errors, nameof(o.MaxConnectionsPerSource), o.MaxConnectionsPerSource, 1, 1_000_000);
        if (o.MaxConnectionsPerSource > o.MaxConnections)
            errors.Add("Sip:MaxConnectionsPerSource must not exceed Sip:MaxConnections");
        Range(errors, nameof(o.ConnectionIdleTimeout), o.ConnectionIdleTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Range(errors, nameof(o.FirstMessageTimeout), o.FirstMessageTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        if (o.FirstMessageTimeout > o.ConnectionIdleTimeout)
            errors.Add("Sip:FirstMessageTimeout must not exceed Sip:ConnectionIdleTimeout");
        Range(errors, nameof(o.UdpReceiveBufferBytes), o.UdpReceiveBufferBytes, 64 * 1024, 256 * 1024 * 1024);
        Range(errors, nameof(o.DropLogInterval), o.DropLogInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range<T>(List<string> errors, string key, T value, T min, T max) where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0) errors.Add($"Sip:{key} must be in [{min}, {max}]");
    }
}
