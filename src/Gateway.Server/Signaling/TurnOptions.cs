namespace Gateway.Server.Signaling;

/// <summary>TURN servers handed to web clients with TURN REST API credentials (configuration section "Turn").</summary>
public sealed class TurnOptions
{
    public const string SectionName = "Turn";

    /// <summary>Shared secret (coturn static-auth-secret). Null or empty: no TURN entry in iceServers.</summary>
    public string? Secret { get; set; }

    /// <summary>turn: / turns: URLs.</summary>
    public string[] Urls { get; set; } = [];

    /// <summary>Lifetime of issued credentials (the username carries now + Ttl as its expiry).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(12);
}
