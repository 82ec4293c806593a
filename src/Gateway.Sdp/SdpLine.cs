namespace Gateway.Sdp;

/// <summary>One SDP line, &lt;type&gt;=&lt;value&gt; (RFC 8866 §5), with the value exactly as received.</summary>
public sealed record SdpLine(char Type, string Value)
{
    /// <summary>For a=name:value lines, the attribute name (before the first colon).</summary>
    public string AttributeName => Type == 'a' ? (Value.IndexOf(':') is var i and >= 0 ? Value[..i] : Value) : "";

    /// <summary>For a=name:value lines, the value after the first colon, or null for a property attribute.</summary>
    public string? AttributeValue => Type == 'a' && Value.IndexOf(':') is var i and >= 0 ? Value[(i + 1)..] : null;

    public bool IsAttribute(string name) => Type == 'a' && AttributeName.Equals(name, StringComparison.Ordinal);

    public override string ToString() => Type + "=" + Value;

    public static SdpLine Attribute(string name, string? value = null) => new('a', value is null ? name : name + ":" + value);
}
