using Gateway.Sip.Messages;

namespace Gateway.Sip.Reliability;

/// <summary>
/// RSeq = "RSeq" HCOLON response-num; response-num = 1*DIGIT (RFC 3262 §7.1), a 32-bit number from 1 to 2**31 - 1
/// when chosen (§3); larger values parse so that a peer's sequence is followed as sent.
/// </summary>
public readonly record struct RSeqValue(uint Number)
{
    public override string ToString() => Number.ToString();

    /// <summary>Parses the header value; never throws.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out RSeqValue result)
    {
        result = default;
        var reader = new HeaderValueReader(value);
        if (!ReliabilityGrammar.TryNumber(ref reader, out var number)) return false;
        reader.SkipWhitespace();
        if (!reader.AtEnd || number == 0) return false;
        result = new RSeqValue(number);
        return true;
    }
}
