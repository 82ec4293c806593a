namespace Gateway.Sip.Registrar;

/// <summary>
/// Where bindings live. The in-memory store serves one gateway; a shared store (Redis) serves a cluster. Every
/// implementation applies an update to one AoR atomically with <see cref="BindingMerge"/> and never returns an expired binding.
/// </summary>
public interface IRegistrationStore
{
    /// <summary>The AoR's current bindings (expired ones left out).</summary>
    IReadOnlyList<SipBinding> Lookup(string aor);

    /// <summary>Applies one REGISTER's changes to its AoR at once.</summary>
    BindingResult Apply(BindingUpdate update);

    /// <summary>Current bindings over every AoR.</summary>
    int Count { get; }
}
