using Gateway.Sip.Registration;

namespace Gateway.Server.Trunks;

/// <summary>A registering trunk's state, for /metrics (<c>gateway_trunk_registered</c>).</summary>
internal sealed record TrunkRegistrationStatus(string Trunk, RegistrationState State)
{
    public bool Registered => State == RegistrationState.Registered;
}
