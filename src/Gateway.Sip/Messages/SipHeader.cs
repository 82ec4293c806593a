namespace Gateway.Sip.Messages;

/// <summary>One header field as received or set: canonical name and the value with folding collapsed (§7.3.1).</summary>
public readonly record struct SipHeader(string Name, string Value)
{
    public override string ToString() => Name + ": " + Value;
}
