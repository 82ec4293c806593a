using Gateway.Dialplan;
using Gateway.Server.Api;
using Gateway.Sip.Registrar;

namespace Gateway.Server.Registrar;

/// <summary>
/// <see cref="IRegistrationDirectory"/> over the registrar (GET /api/v1/registrations, the ops page): the current bindings
/// (RFC 3261 §10.3) of every user of the active dialplan, the only AoRs the registrar accepts. The REGISTER's User-Agent
/// is not kept in a binding, so it is null; the source is the flow the REGISTER came over (RFC 5626 §3.2).
/// </summary>
internal sealed class RegistrarBindings(SipRegistrar registrar, Func<CompiledDialplan> plan) : IRegistrationDirectory
{
    public IReadOnlyList<RegistrationResource> Snapshot()
    {
        var list = new List<RegistrationResource>();
        foreach (var name in plan().Users.Keys.Order(StringComparer.Ordinal))
            foreach (var b in registrar.Store.Lookup(registrar.AorOf(name)))
                list.Add(new RegistrationResource(b.Aor, b.Contact, b.ExpiresAt, null, b.Flow.Remote.ToString()));
        return list;
    }
}
