namespace Gateway.Server.Api;

/// <summary>
/// The SIP registrar's bindings (RFC 3261 §10), for GET /api/v1/registrations (Registrar/RegistrarBindings). Without a registrar the
/// default <see cref="NoRegistrations"/> lists none; a registrar registers its own implementation.
/// </summary>
public interface IRegistrationDirectory
{
    IReadOnlyList<RegistrationResource> Snapshot();
}

/// <summary>One binding: the address of record, the contact it reaches, when it expires (RFC 3261 §10.2.1) and who registered it.</summary>
public sealed record RegistrationResource(string Aor, string Contact, DateTimeOffset ExpiresAt, string? UserAgent, string? Source);

/// <summary>No registrar in this build: nothing is registered.</summary>
internal sealed class NoRegistrations : IRegistrationDirectory
{
    public IReadOnlyList<RegistrationResource> Snapshot() => [];
}
