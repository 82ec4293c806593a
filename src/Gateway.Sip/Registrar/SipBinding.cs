namespace Gateway.Sip.Registrar;

/// <summary>
/// One contact bound to an address-of-record (RFC 3261 §10.3): the Contact as the UA sent it (without expires), when
/// it expires, the Call-ID/CSeq of the REGISTER that last set it (§10.3 step 7), RFC 5626 <c>+sip.instance</c> and
/// <c>reg-id</c>, and the flow to reach it by.
/// </summary>
public sealed record SipBinding(string Aor, string Key, string Contact, string? Instance, string? RegId, string CallId, uint CSeq,
    DateTimeOffset ExpiresAt, SipFlow Flow)
{
    public TimeSpan Remaining(DateTimeOffset now) => ExpiresAt > now ? ExpiresAt - now : TimeSpan.Zero;
}

/// <summary>One Contact of a REGISTER: its binding key (RFC 5626 §6 instance + reg-id, else the URI), value and expiry (0 removes).</summary>
public sealed record ContactChange(string Key, string Contact, string? Instance, string? RegId, TimeSpan Expires);

/// <summary>What one REGISTER asks of an AoR's bindings (§10.3 steps 6-7).</summary>
public sealed record BindingUpdate(string Aor, string CallId, uint CSeq, bool RemoveAll, IReadOnlyList<ContactChange> Contacts, SipFlow Flow,
    int MaxDevices, DateTimeOffset Now);

/// <summary>How an update ended.</summary>
public enum BindingOutcome
{
    Updated,
    /// <summary>§10.3 step 7: same Call-ID with a CSeq not above the binding's: the update is aborted.</summary>
    OutOfOrder,
    /// <summary>More bindings than the user's max_devices.</summary>
    TooManyDevices,
    /// <summary>The store's total cap is reached.</summary>
    StoreFull,
}

/// <summary>The outcome and the AoR's bindings after it (the current ones, also on failure).</summary>
public sealed record BindingResult(BindingOutcome Outcome, IReadOnlyList<SipBinding> Bindings);
