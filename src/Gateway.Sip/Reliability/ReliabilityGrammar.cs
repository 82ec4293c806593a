using Gateway.Sip.Messages;

namespace Gateway.Sip.Reliability;

/// <summary>The pieces RSeq and RAck share (RFC 3262 §7): a 32-bit 1*DIGIT and the LWS between RAck's fields.</summary>
internal static class ReliabilityGrammar
{
    /// <summary>The option tag of RFC 3262 §8 in Supported and Require.</summary>
    public const string OptionTag = "100rel";

    /// <summary>Leading whitespace, then 1*DIGIT within 32 bits.</summary>
    public static bool TryNumber(ref HeaderValueReader reader, out uint number)
    {
        number = 0;
        reader.SkipWhitespace();
        var start = reader.Position;
        while (!reader.AtEnd && char.IsAsciiDigit(reader.Current)) reader.Position++;
        if (!SipGrammar.TryParseBounded(reader.Slice(start, reader.Position), uint.MaxValue, out var n)) return false;
        number = (uint)n;
        return true;
    }

    /// <summary>At least one whitespace character (LWS, folding already collapsed).</summary>
    public static bool TryLws(ref HeaderValueReader reader)
    {
        var before = reader.Position;
        reader.SkipWhitespace();
        return reader.Position > before;
    }
}
