namespace Gateway.Server.Admin;

/// <summary>
/// Who may call the operator endpoints (/metrics, /admin/..., later /api/v1). Bound from the "Admin" section.
/// A request is let in from loopback (when <see cref="AllowLoopback"/>), from an address in <see cref="AllowedNetworks"/>,
/// or with <c>Authorization: Bearer &lt;one of Tokens&gt;</c>; /healthz stays open to all.
/// </summary>
public sealed class AdminAccessOptions
{
    public const string Section = "Admin";

    /// <summary>The shortest token accepted: 128 bits in base64 or hex are at least 22 characters.</summary>
    public const int MinTokenLength = 22;

    /// <summary>127.0.0.0/8 and ::1 may call without a token. Set false behind a local proxy: then every client looks local.</summary>
    public bool AllowLoopback { get; set; } = true;

    /// <summary>CIDRs (e.g. "10.0.0.0/8", "2001:db8::/32") whose clients may call without a token (a Prometheus server's network).</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Bearer tokens that let any client in (compared in constant time); each at least <see cref="MinTokenLength"/> characters.</summary>
    public List<string> Tokens { get; set; } = [];
}
