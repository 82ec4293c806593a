using Gateway.Dialplan;
using Gateway.Sip.Registrar;

namespace Gateway.Server.Registrar;

/// <summary>The registrar's users are the current dialplan's <c>users:</c> (a reload applies to the next REGISTER).</summary>
internal sealed class DialplanRegistrarDirectory(Func<CompiledDialplan> plan) : IRegistrarDirectory
{
    public RegistrarUser? Find(string name) =>
        plan().Users.TryGetValue(name, out var user) ? new RegistrarUser(user.Name, user.Password, user.MaxDevices) : null;
}
