using Gateway.Sip.Messages;

namespace Gateway.Sip.Reliability;

/// <summary>
/// RAck = "RAck" HCOLON response-num LWS CSeq-num LWS Method (RFC 3262 §7.2): the RSeq of the reliable provisional
/// response a PRACK acknowledges, then the CSeq number and method of the request it answered.
/// </summary>
public readonly record struct RAckValue(uint ResponseNumber, uint CSeqNumber, string Method)
{
    public override string ToString() => ResponseNumber + " " + CSeqNumber + " " + Method;

    /// <summary>Parses the header value; never throws.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out RAckValue result)
    {
        result = default;
        var reader = new HeaderValueReader(value);
        if (!ReliabilityGrammar.TryNumber(ref reader, out var rseq) || !ReliabilityGrammar.TryLws(ref reader)) return false;
        if (!ReliabilityGrammar.TryNumber(ref reader, out var cseq) || !ReliabilityGrammar.TryLws(ref reader)) return false;
        if (!reader.TryToken(out var method)) return false;
        reader.SkipWhitespace();
        if (!reader.AtEnd || rseq == 0) return false;
        result = new RAckValue(rseq, cseq, SipMethods.Intern(method));
        return true;
    }
}
