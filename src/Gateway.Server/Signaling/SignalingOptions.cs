namespace Gateway.Server.Signaling;

/// <summary>The WebSocket signaling front end (configuration section "Signaling").</summary>
public sealed class SignalingOptions
{
    public const string SectionName = "Signaling";

    /// <summary>SIP domain of web users' AORs: register "alice" gives sip:alice@Domain.</summary>
    public string Domain { get; set; } = "gateway.local";

    /// <summary>HS256 secret for client tokens (UTF-8, at least 32 bytes: RFC 7518 §3.2). Null: HS256 tokens are refused.</summary>
    public string? JwtSecret { get; set; }

    /// <summary>Tolerance on a token's exp/nbf.</summary>
    public TimeSpan JwtClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>JWK Set URL (RFC 7517 §5) of an identity provider: RS256/ES256 tokens are verified with its keys. https unless loopback.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>OpenID provider (issuer URL): its discovery document's jwks_uri gives the keys, its issuer the accepted iss.</summary>
    public string? Authority { get; set; }

    /// <summary>Required iss of tokens when set (RFC 7519 §4.1.1).</summary>
    public string? Issuer { get; set; }

    /// <summary>Required aud of tokens when set (RFC 7519 §4.1.3); mandatory with JwksUrl or Authority.</summary>
    public string? Audience { get; set; }

    /// <summary>How often the cached JWKS / discovery keys are fetched again.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Least time between early refreshes that a token with an unknown key id triggers.</summary>
    public TimeSpan JwksRefreshMinInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A loopback connection may omit the token and claim any user (development only).</summary>
    public bool AllowLoopbackWithoutToken { get; set; }

    /// <summary>Largest accepted client frame (a whole message); larger ones are discarded with an error.</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>Largest SDP in call/answer (UTF-8 bytes).</summary>
    public int MaxSdpBytes { get; set; } = 32 * 1024;

    /// <summary>Peers per room; a join beyond it answers "full".</summary>
    public int RoomCapacity { get; set; } = 10;

    /// <summary>Rooms one session may be in at once.</summary>
    public int MaxRoomsPerSession { get; set; } = 16;

    /// <summary>How long a session whose socket dropped survives, waiting for ?session= reconnect.</summary>
    public TimeSpan ReconnectGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Server messages queued per session (while sending or reconnecting); beyond it they are dropped.</summary>
    public int SendQueueCapacity { get; set; } = 256;

    /// <summary>A frame not written within this time breaks the connection (the session then waits for reconnect).</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Client messages per second per connection (token bucket rate).</summary>
    public double RateLimitPerSecond { get; set; } = 50;

    /// <summary>Token bucket size (burst).</summary>
    public int RateLimitBurst { get; set; } = 100;

    /// <summary>Consecutive seconds over the rate that close the connection with 1008.</summary>
    public int RateLimitAbuseSeconds { get; set; } = 3;

    /// <summary>WebSocket ping interval (RFC 6455 §5.5.2).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time to wait for the pong before the connection is considered dropped; zero disables.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>STUN server URLs for iceServers (stun: or stuns:).</summary>
    public string[] StunUrls { get; set; } = [];
}
