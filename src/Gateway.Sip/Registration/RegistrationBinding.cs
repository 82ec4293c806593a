using Gateway.Sip.Messages;

namespace Gateway.Sip.Registration;

/// <summary>
/// What one registration client registers (RFC 3261 §10.2): the Request-URI of the registrar (the domain, §10.2:
/// "sip:carrier.example"), the address-of-record put in To and From, the digest credentials and the expiry asked for.
/// The Contact is chosen by the <see cref="IRegistrationSender"/> for the transport it sends on.
/// </summary>
public sealed record RegistrationBinding(SipUri Registrar, SipUri AddressOfRecord, string? Username, string? Password)
{
    public static readonly TimeSpan DefaultExpires = TimeSpan.FromHours(1);

    /// <summary>The expiry asked for in the Expires header (§10.2.1.1); a 423's Min-Expires raises it.</summary>
    public TimeSpan Expires { get; init; } = DefaultExpires;

    /// <summary>The User-Agent header value, or none.</summary>
    public string? UserAgent { get; init; }
}
