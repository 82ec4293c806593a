namespace Gateway.Dialplan;

/// <summary>
/// Outbound registration of a trunk with <c>register: true</c> (RFC 3261 §10.2; dialplan/README.md "Registration"):
/// the registrar's URI (null = the trunk's <c>uri</c>) and the expiry asked for, in seconds.
/// </summary>
public sealed record TrunkRegistration(string? Registrar, int Expires)
{
    public const int DefaultExpires = 3600;
    public const int MinExpires = 60;
    public const int MaxExpires = 86400;

    public static TrunkRegistration Default { get; } = new(null, DefaultExpires);

    /// <summary>Where REGISTER goes: the registrar, else the trunk's URI.</summary>
    public string RegistrarFor(TrunkDefinition trunk) => Registrar ?? trunk.Uri;
}
