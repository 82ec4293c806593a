namespace Gateway.Sip.Registrar;

/// <summary>
/// RFC 3261 §10.3 steps 6-7 as a pure function over one AoR's bindings, so every <see cref="IRegistrationStore"/>
/// applies the same rules: each Contact is looked up by its key; a binding of another Call-ID is replaced (or removed
/// with expires 0); one of the same Call-ID only by a higher CSeq, else the whole update is aborted; <c>*</c> removes
/// everything. Then the user's device bound and the store's room are checked; on any failure nothing changes.
/// </summary>
public static class BindingMerge
{
    /// <param name="existing">The AoR's bindings now (expired ones are dropped here).</param>
    /// <param name="room">How many more bindings the store may hold beyond the AoR's current ones.</param>
    public static BindingResult Apply(IReadOnlyList<SipBinding> existing, BindingUpdate update, int room)
    {
        var current = existing.Where(b => b.ExpiresAt > update.Now).ToList();
        if (update.RemoveAll)
        {
            // §10.3 step 6 ("*"): the Call-ID/CSeq rule still applies to each binding removed.
            if (current.Any(b => IsOutOfOrder(b, update))) return new(BindingOutcome.OutOfOrder, current);
            return new(BindingOutcome.Updated, []);
        }
        var next = new List<SipBinding>(current);
        foreach (var change in update.Contacts)
        {
            var index = next.FindIndex(b => b.Key == change.Key);
            if (index >= 0 && IsOutOfOrder(next[index], update)) return new(BindingOutcome.OutOfOrder, current);
            if (change.Expires <= TimeSpan.Zero)
            {
                if (index >= 0) next.RemoveAt(index);
                continue;
            }
            var binding = new SipBinding(update.Aor, change.Key, change.Contact, change.Instance, change.RegId, update.CallId, update.CSeq,
                update.Now + change.Expires, update.Flow);
            if (index >= 0) next[index] = binding;
            else next.Add(binding);
        }
        if (next.Count > current.Count)
        {
            if (next.Count > update.MaxDevices) return new(BindingOutcome.TooManyDevices, current);
            if (next.Count - current.Count > room) return new(BindingOutcome.StoreFull, current);
        }
        return new(BindingOutcome.Updated, next);
    }

    /// <summary>§10.3 step 7: the same Call-ID must come with a higher CSeq.</summary>
    private static bool IsOutOfOrder(SipBinding binding, BindingUpdate update) =>
        binding.CallId == update.CallId && update.CSeq <= binding.CSeq;
}
