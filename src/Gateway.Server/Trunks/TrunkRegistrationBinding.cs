using Gateway.Dialplan;
using Gateway.Server.Calls;
using Gateway.Sip.Messages;
using Gateway.Sip.Registration;

namespace Gateway.Server.Trunks;

/// <summary>
/// A dialplan trunk's registration binding: the registrar (its <c>registrar</c>, else its <c>uri</c>) as Request-URI,
/// the address-of-record sip:username@(the trunk's host), its credentials and <c>register_expires</c>.
/// </summary>
internal static class TrunkRegistrationBinding
{
    public static RegistrationBinding? For(TrunkDefinition trunk)
    {
        if (!SipUri.TryParse(trunk.Registration.RegistrarFor(trunk), out var registrar) || !registrar!.IsSip) return null;
        if (!SipUri.TryParse(trunk.Uri, out var uri) || !uri!.IsSip) return null;
        var aor = SipUri.Create(uri.Scheme, trunk.Username, uri.Host);
        return new RegistrationBinding(registrar, aor, trunk.Username, trunk.Password)
        {
            Expires = TimeSpan.FromSeconds(trunk.Registration.Expires),
            UserAgent = CallServices.UserAgent,
        };
    }

    /// <summary>Whether a reloaded trunk still registers the same way (else its client is replaced).</summary>
    public static bool SameRegistration(TrunkDefinition a, TrunkDefinition b) =>
        a.Uri == b.Uri && a.Transport == b.Transport && a.Username == b.Username && a.Password == b.Password && a.Registration == b.Registration;
}
