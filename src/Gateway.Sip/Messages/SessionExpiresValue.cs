namespace Gateway.Sip.Messages;

/// <summary>
/// Session-Expires = ( "Session-Expires" / "x" ) HCOLON delta-seconds *( SEMI se-params ),
/// se-params = refresher-param / generic-param, refresher-param = "refresher" EQUAL ( "uas" / "uac" ) (RFC 4028 §4).
/// </summary>
public readonly record struct SessionExpiresValue(uint DeltaSeconds, string? Refresher)
{
    /// <summary>RFC 4028 §4: Min-SE may not be lower than 90 seconds.</summary>
    public const uint MinimumSeconds = 90;

    public bool RefresherIsUac => Refresher == "uac";
    public bool RefresherIsUas => Refresher == "uas";

    public override string ToString() => Refresher is null ? DeltaSeconds.ToString() : DeltaSeconds + ";refresher=" + Refresher;

    /// <summary>Parses the header value; never throws. A refresher other than uac/uas is an error (§4).</summary>
    public static bool TryParse(string? value, out SessionExpiresValue result)
    {
        result = default;
        if (value is null) return false;
        var reader = new HeaderValueReader(value);
        reader.SkipWhitespace();
        var start = reader.Position;
        while (!reader.AtEnd && char.IsAsciiDigit(reader.Current)) reader.Position++;
        if (!SipGrammar.TryParseBounded(reader.Slice(start, reader.Position), uint.MaxValue, out var delta) || delta == 0) return false;
        var parameters = new List<KeyValuePair<string, string?>>();
        if (!reader.TryParameters(parameters)) return false;
        reader.SkipWhitespace();
        if (!reader.AtEnd) return false;
        string? refresher = null;
        foreach (var p in parameters)
        {
            if (!p.Key.Equals("refresher", StringComparison.OrdinalIgnoreCase)) continue;
            refresher = p.Value?.ToLowerInvariant();
            if (refresher is not ("uac" or "uas")) return false;
        }
        result = new SessionExpiresValue((uint)delta, refresher);
        return true;
    }

    /// <summary>True when a Supported or Require header value lists the option tag (e.g. "timer", §7.1).</summary>
    public static bool ListsOption(SipMessage message, string headerName, string optionTag)
    {
        foreach (var value in message.GetHeaders(headerName))
            foreach (var tag in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (tag.Equals(optionTag, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
