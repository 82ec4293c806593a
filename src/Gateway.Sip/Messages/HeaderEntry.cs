namespace Gateway.Sip.Messages;

/// <summary>
/// A header field of a parsed message: where its name and value lie in the received bytes, with the
/// strings decoded only when asked for (the parse itself allocates none per header).
/// </summary>
internal struct HeaderEntry
{
    /// <summary>Canonical name for known headers; decoded from the bytes on first use otherwise.</summary>
    public string? Name;
    public int NameStart, NameLength;
    /// <summary>The value's bytes, trimmed; a folded value spans several physical lines (§7.3.1).</summary>
    public int ValueStart, ValueLength;
    public bool Folded;
    public string? Value;
}
