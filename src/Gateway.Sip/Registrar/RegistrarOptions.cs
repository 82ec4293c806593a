using Gateway.Sip.Auth;

namespace Gateway.Sip.Registrar;

/// <summary>
/// The registrar's settings (RFC 3261 §10.3). Bounds: <see cref="MaxBindings"/> in total, a user's own
/// <see cref="RegistrarUser.MaxDevices"/>, <see cref="MaxContactsPerRequest"/> and the per-source REGISTER rate.
/// </summary>
public sealed record RegistrarOptions
{
    /// <summary>The domain of the AoRs (sip:alice@&lt;domain&gt;) and the Digest realm. A To host that is an IP address is accepted too (phones registering to the gateway's address).</summary>
    public string Domain { get; init; } = "gateway.local";
    /// <summary>Shortest binding accepted; a shorter non-zero expiry gets 423 with Min-Expires (§10.3 step 7, §20.23).</summary>
    public TimeSpan MinExpires { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Longest binding granted; a longer request is shortened to this (§10.3 step 7).</summary>
    public TimeSpan MaxExpires { get; init; } = TimeSpan.FromHours(1);
    /// <summary>Expiry when neither the Contact's expires parameter nor an Expires header gives one (§10.2.1.1).</summary>
    public TimeSpan DefaultExpires { get; init; } = TimeSpan.FromHours(1);
    /// <summary>Bindings across every user; beyond it a new binding gets 503 with Retry-After.</summary>
    public int MaxBindings { get; init; } = 10_000;
    /// <summary>Contacts one REGISTER may carry; more is a 400.</summary>
    public int MaxContactsPerRequest { get; init; } = 10;
    /// <summary>Sustained REGISTERs per second per source address (a token bucket of two seconds); 0 = unlimited. Over it: 503 and the source is refused for <see cref="RateBlockPeriod"/>.</summary>
    public int RegistersPerSecondPerSource { get; init; } = 20;
    public TimeSpan RateBlockPeriod { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long a nonce is good for; an older one gets a new challenge with stale=true (RFC 7616 §3.3).</summary>
    public TimeSpan NonceLifetime { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// Challenges offered, one WWW-Authenticate each, in this order (RFC 8760 §2.4: the preferred first). MD5 alone by
    /// default: sipp 3.6 answers only the first challenge, and baresip 1.0 (libre) fails a REGISTER whose 401 lists any
    /// algorithm it does not know; offer [SHA-256, MD5] when every phone follows RFC 8760.
    /// </summary>
    public IReadOnlyList<DigestAlgorithm> Algorithms { get; init; } = [DigestAlgorithm.Md5];

    /// <summary>A reason the options cannot work, or null.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Domain)) return "Domain must be set";
        if (MinExpires < TimeSpan.FromSeconds(1)) return "MinExpires must be at least 1 second";
        if (MaxExpires < MinExpires) return "MaxExpires must not be below MinExpires";
        if (DefaultExpires < MinExpires || DefaultExpires > MaxExpires) return "DefaultExpires must lie between MinExpires and MaxExpires";
        if (MaxBindings < 1) return "MaxBindings must be at least 1";
        if (MaxContactsPerRequest < 1) return "MaxContactsPerRequest must be at least 1";
        if (RegistersPerSecondPerSource < 0) return "RegistersPerSecondPerSource must be 0 (unlimited) or more";
        if (NonceLifetime < TimeSpan.FromSeconds(10)) return "NonceLifetime must be at least 10 seconds";
        if (Algorithms.Count == 0) return "Algorithms must name at least one digest algorithm";
        return null;
    }
}
