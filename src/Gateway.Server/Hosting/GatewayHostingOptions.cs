namespace Gateway.Server.Hosting;

/// <summary>Where the gateway's HTTP endpoints listen. Bound from the "Gateway" configuration section.</summary>
public sealed class GatewayHostingOptions
{
    public const string Section = "Gateway";

    /// <summary>HTTPS port for the web dialer, /ws, /metrics and /healthz; 0 picks any free port (tests).</summary>
    public int HttpsPort { get; set; } = 8443;

    /// <summary>Optional plain HTTP port, bound to 127.0.0.1 only (a TLS proxy in front, tests); null or absent = none.</summary>
    public int? HttpPort { get; set; }

    /// <summary>Address the HTTPS port listens on: "*" (all IPv4 and IPv6 addresses) or one IP address.</summary>
    public string ListenAddress { get; set; } = "*";

    /// <summary>
    /// On SIGTERM or POST /admin/drain: how long calls in progress may go on before the gateway hangs them up
    /// (0 = hang up at once). The host's shutdown timeout is raised to cover it.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>The longest <see cref="DrainTimeout"/> accepted.</summary>
    public static readonly TimeSpan MaxDrainTimeout = TimeSpan.FromHours(1);
}

/// <summary>The HTTPS certificate. Bound from the "Tls" configuration section; none configured = development certificate.</summary>
public sealed class TlsOptions
{
    public const string Section = "Tls";

    /// <summary>PEM certificate (with <see cref="KeyPath"/>) or PKCS#12 (.pfx/.p12) file; relative to the content root.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key for a PEM certificate; absent when the key is in the certificate file or it is a PFX.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Password of the PFX, or of an encrypted PEM key.</summary>
    public string? Password { get; set; }
}
