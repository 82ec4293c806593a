using Gateway.Sip.Auth;
using Gateway.Sip.Registrar;

namespace Gateway.Server.Registrar;

/// <summary>
/// The "Registrar" section: the SIP registrar for the dialplan's <c>users:</c> (README "Register a desk phone").
/// Bound, validated on start (<see cref="RegistrarHostOptionsValidator"/>) and turned into <see cref="RegistrarOptions"/>.
/// </summary>
public sealed class RegistrarHostOptions
{
    public const string Section = "Registrar";

    /// <summary>Domain of the AoRs and the Digest realm; empty = Signaling:Domain.</summary>
    public string Domain { get; set; } = "";
    public TimeSpan MinExpires { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan MaxExpires { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan DefaultExpires { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Bindings held at once across every user.</summary>
    public int MaxBindings { get; set; } = 10_000;
    public int MaxContactsPerRequest { get; set; } = 10;
    /// <summary>REGISTERs per second per source address; 0 = unlimited.</summary>
    public int RegistersPerSecondPerSource { get; set; } = 20;
    public TimeSpan RateBlockPeriod { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Base64 secret (at least 32 bytes) signing nonces, shared by a cluster; empty = random at each start.</summary>
    public string NonceSecret { get; set; } = "";
    /// <summary>Challenges offered, in order: MD5 and/or SHA-256; empty = MD5 only (RegistrarOptions.Algorithms says why).</summary>
    public List<string> Algorithms { get; set; } = [];

    internal static readonly string[] DefaultAlgorithms = ["MD5"];

    internal IReadOnlyList<DigestAlgorithm>? ParseAlgorithms()
    {
        var list = new List<DigestAlgorithm>();
        foreach (var name in Algorithms.Count == 0 ? DefaultAlgorithms : [.. Algorithms])
        {
            if (name.Equals("SHA-256", StringComparison.OrdinalIgnoreCase)) list.Add(DigestAlgorithm.Sha256);
            else if (name.Equals("MD5", StringComparison.OrdinalIgnoreCase)) list.Add(DigestAlgorithm.Md5);
            else return null;
        }
        return list;
    }

    internal byte[]? ParseSecret()
    {
        if (NonceSecret.Length == 0) return System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var bytes = new byte[NonceSecret.Length];
        return Convert.TryFromBase64String(NonceSecret, bytes, out var n) && n >= 32 ? bytes[..n] : null;
    }

    internal RegistrarOptions ToRegistrarOptions(string signalingDomain) => new()
    {
        Domain = Domain.Length > 0 ? Domain : signalingDomain,
        MinExpires = MinExpires,
        MaxExpires = MaxExpires,
        DefaultExpires = DefaultExpires,
        MaxBindings = MaxBindings,
        MaxContactsPerRequest = MaxContactsPerRequest,
        RegistersPerSecondPerSource = RegistersPerSecondPerSource,
        RateBlockPeriod = RateBlockPeriod,
        NonceLifetime = NonceLifetime,
        Algorithms = ParseAlgorithms() ?? [DigestAlgorithm.Md5],
    };
}
