namespace Gateway.Sip.Messages;

/// <summary>
/// Reason = "Reason" HCOLON reason-value *(COMMA reason-value); reason-value = protocol *(SEMI reason-params);
/// protocol = "SIP" / "Q.850" / token; reason-params = protocol-cause / reason-text / reason-extension;
/// protocol-cause = "cause" EQUAL cause; cause = 1*DIGIT; reason-text = "text" EQUAL quoted-string (RFC 3326 §2).
/// </summary>
public readonly record struct ReasonValue(string Protocol, int? Cause, string? Text)
{
    /// <summary>RFC 3326 §2 and RFC 3261 §9.1: the CANCEL of a forked INVITE another branch answered carries SIP cause 200.</summary>
    public bool IsCompletedElsewhere => Protocol.Equals("SIP", StringComparison.OrdinalIgnoreCase) && Cause == 200;

    /// <summary>Every reason-value of one header value; false (and none) when any is malformed. Never throws.</summary>
    public static bool TryParseAll(string? value, List<ReasonValue> into)
    {
        if (value is null) return false;
        var start = into.Count;
        var reader = new HeaderValueReader(value);
        var parameters = new List<KeyValuePair<string, string?>>();
        do
        {
            reader.SkipWhitespace();
            parameters.Clear();
            if (!reader.TryToken(out var protocol) || !reader.TryParameters(parameters))
            {
                into.RemoveRange(start, into.Count - start);
                return false;
            }
            int? cause = null;
            string? text = null;
            foreach (var (name, v) in parameters)
            {
                if (name.Equals("cause", StringComparison.OrdinalIgnoreCase) && v is not null && SipGrammar.TryParseBounded(v, 999_999, out var c)) cause = (int)c;
                else if (name.Equals("text", StringComparison.OrdinalIgnoreCase) && v is ['"', .., '"']) text = v[1..^1];
            }
            into.Add(new ReasonValue(protocol.ToString(), cause, text));
        }
        while (reader.TrySeparator(','));
        reader.SkipWhitespace();
        if (reader.AtEnd) return true;
        into.RemoveRange(start, into.Count - start);
        return false;
    }

    /// <summary>True when a Reason header of <paramref name="message"/> says another branch of the fork answered.</summary>
    public static bool SaysCompletedElsewhere(SipMessage message)
    {
        var values = new List<ReasonValue>(2);
        foreach (var header in message.GetHeaders("Reason"))
            if (TryParseAll(header, values) && values.Exists(v => v.IsCompletedElsewhere)) return true;
        return false;
    }
}
