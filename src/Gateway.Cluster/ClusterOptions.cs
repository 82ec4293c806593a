using Microsoft.Extensions.Options;

namespace Gateway.Cluster;

/// <summary>
/// The "Cluster" section. Off unless <see cref="Redis"/> is set: one node runs with no Redis at all.
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>A StackExchange.Redis connection string (<c>127.0.0.1:6379,password=...</c>); empty turns the cluster off.</summary>
    public string? Redis { get; set; }

    /// <summary>This node's name in the shared state; empty: the host name and the SIP port.</summary>
    public string? NodeId { get; set; }

    /// <summary>Where other nodes and Kamailio reach this node's SIP (a <c>sip:</c> URI); empty: the advertised address and UDP port.</summary>
    public string? SipUri { get; set; }

    /// <summary>Prefix of every key, so several clusters can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "gateway:";

    /// <summary>How often the node record is written; it lives three heartbeats, so a dead node disappears within that.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a presence record lasts without a refresh; a live node refreshes its users every third of it.</summary>
    public TimeSpan PresenceTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A trunk registration lease: its owner renews it every third of it; another node takes over within one period after the owner dies.</summary>
    public TimeSpan TrunkLeasePeriod { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);

    public TimeSpan NodeTtl => Heartbeat * 3;
}

/// <summary>Checks the section on start; a bad value stops the gateway with one line.</summary>
public sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions o)
    {
        var errors = new List<string>();
        if (o.Heartbeat < TimeSpan.FromMilliseconds(100) || o.Heartbeat > TimeSpan.FromMinutes(1))
            errors.Add($"Cluster:Heartbeat must be from 00:00:00.1 to 00:01:00 (it is {o.Heartbeat}).");
        if (o.PresenceTtl < o.Heartbeat * 3 || o.PresenceTtl > TimeSpan.FromHours(1))
            errors.Add($"Cluster:PresenceTtl must be from three heartbeats to an hour (it is {o.PresenceTtl}).");
        if (o.TrunkLeasePeriod < o.Heartbeat * 3 || o.TrunkLeasePeriod > TimeSpan.FromMinutes(10))
            errors.Add($"Cluster:TrunkLeasePeriod must be from three heartbeats to 00:10:00 (it is {o.TrunkLeasePeriod}).");
        if (string.IsNullOrEmpty(o.KeyPrefix) || o.KeyPrefix.Length > 64 || o.KeyPrefix.Any(char.IsWhiteSpace))
            errors.Add("Cluster:KeyPrefix must be 1 to 64 characters without spaces.");
        if (o.NodeId is { Length: > 0 } id && (id.Length > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            errors.Add($"Cluster:NodeId must be 1 to 64 letters, digits, '-', '_' or '.' (it is '{id}').");
        if (o.SipUri is { Length: > 0 } uri && !(uri.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) && uri.Length > 4 && !uri.Any(char.IsWhiteSpace)))
            errors.Add($"Cluster:SipUri must be a sip: URI such as sip:10.0.0.2:5060 (it is '{uri}').");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
