namespace Gateway.Sip.Dtmf;

/// <summary>
/// The body of a SIP INFO carrying a digit, as JsSIP, SIP.js and desk phones send it:
/// <c>application/dtmf-relay</c> ("Signal=5\r\nDuration=160\r\n", the de facto format of Cisco/SIP.js) and
/// <c>application/dtmf</c> (the digit alone). Never throws on network input.
/// </summary>
public static class InfoDtmf
{
    public const string DtmfRelay = "application/dtmf-relay";
    public const string Dtmf = "application/dtmf";
    /// <summary>The duration when the body names none (RFC 4733 §2.5.1.3's usual 100 ms tone).</summary>
    public const int DefaultDurationMs = 100;

    /// <summary>The digit (0-9 * # A-D) and its duration in ms; false when the type or body names no digit.</summary>
    public static bool TryParse(string? contentType, ReadOnlySpan<byte> body, out char digit, out int durationMs)
    {
        digit = '\0';
        durationMs = DefaultDurationMs;
        var type = contentType?.Split(';')[0].Trim() ?? "";
        var text = System.Text.Encoding.ASCII.GetString(body.Length > 256 ? body[..256] : body);
        if (type.Equals(Dtmf, StringComparison.OrdinalIgnoreCase)) return IsDigit(text.Trim(), out digit);
        if (!type.Equals(DtmfRelay, StringComparison.OrdinalIgnoreCase)) return false;
        var found = false;
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = line.IndexOf('=');
            if (eq < 0) continue;
            var name = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            if (name.Equals("Signal", StringComparison.OrdinalIgnoreCase)) found = IsDigit(value, out digit);
            else if (name.Equals("Duration", StringComparison.OrdinalIgnoreCase) && int.TryParse(value, out var d) && d is > 0 and <= 10_000) durationMs = d;
        }
        return found;
    }

    private static bool IsDigit(string text, out char digit)
    {
        digit = text.Length == 1 ? char.ToUpperInvariant(text[0]) : '\0';
        return text.Length == 1 && (char.IsAsciiDigit(digit) || digit is '*' or '#' or (>= 'A' and <= 'D'));
    }
}
