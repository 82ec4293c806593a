namespace Gateway.Sip.Messages;

/// <summary>CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16); the number is a 32-bit unsigned integer (§8.1.1.5).</summary>
public readonly record struct CSeqValue(uint Number, string Method)
{
    public override string ToString() => Number + " " + Method;

    public static bool TryParse(string value, out CSeqValue cseq)
    {
        cseq = default;
        var reader = new HeaderValueReader(value);
        reader.SkipWhitespace();
        var start = reader.Position;
        while (!reader.AtEnd && char.IsAsciiDigit(reader.Current)) reader.Position++;
        if (!SipGrammar.TryParseBounded(reader.Slice(start, reader.Position), uint.MaxValue, out var n)) return false;
        var beforeLws = reader.Position;
        reader.SkipWhitespace();
        if (reader.Position == beforeLws || !reader.TryToken(out var method)) return false;
        reader.SkipWhitespace();
        if (!reader.AtEnd) return false;
        cseq = new CSeqValue((uint)n, SipMethods.Intern(method));
        return true;
    }
}
