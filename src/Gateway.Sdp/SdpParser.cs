using System.Text;

namespace Gateway.Sdp;

/// <summary>
/// SDP parser (RFC 8866 §5, §9). Never throws on input: every refusal is an <see cref="SdpParseError"/> with
/// the line and column.
/// </summary>
/// <remarks>
/// session-description = version-field origin-field session-name-field [information-field] [uri-field]
///   *email-field *phone-field [connection-field] *bandwidth-field 1*time-description [key-field]
///   *attribute-field *media-description
/// media-description = media-field [information-field] *connection-field *bandwidth-field [key-field] *attribute-field
/// Lines are &lt;type&gt;=&lt;value&gt;, type one lower-case letter, ended by CRLF (a bare LF is accepted and kept).
/// Unknown types are kept, not dropped, so the description round-trips.
/// </remarks>
internal static class SdpParser
{
    public const int MaxLength = 64 * 1024;

    public static bool TryParse(ReadOnlySpan<byte> utf8, out SessionDescription? sdp, out SdpParseError? error)
    {
        sdp = null;
        if (utf8.Length > MaxLength) { error = new SdpParseError(SdpErrorKind.BadEncoding, 1, 1, $"SDP of {utf8.Length} bytes exceeds {MaxLength}"); return false; }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            error = new SdpParseError(SdpErrorKind.BadEncoding, 1, 1, "SDP is not valid UTF-8");
            return false;
        }
        return TryParse(text, out sdp, out error);
    }

    public static bool TryParse(string text, out SessionDescription? sdp, out SdpParseError? error)
    {
        try
        {
            return Parse(text, out sdp, out error);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Defence in depth: a parser bug must never take a call or the process down.
            sdp = null;
            error = new SdpParseError(SdpErrorKind.BadLine, 1, 1, "internal SDP parser error: " + e.GetType().Name);
            return false;
        }
    }

    private static bool Parse(string text, out SessionDescription? sdp, out SdpParseError? error)
    {
        sdp = null;
        error = null;
        if (text.Length > MaxLength) { error = new SdpParseError(SdpErrorKind.BadEncoding, 1, 1, $"SDP of {text.Length} characters exceeds {MaxLength}"); return false; }
        if (string.IsNullOrEmpty(text)) { error = new SdpParseError(SdpErrorKind.Empty, 1, 1, "empty SDP"); return false; }

        var result = new SessionDescription();
        var firstLf = text.IndexOf('\n');
        result.LineEnding = firstLf > 0 && text[firstLf - 1] != '\r' ? "\n" : "\r\n";
        result.EndsWithLineEnding = text.EndsWith(result.LineEnding, StringComparison.Ordinal);
        var body = result.EndsWithLineEnding ? text[..^result.LineEnding.Length] : text;
        if (!result.EndsWithLineEnding && (text.EndsWith('\r') || text.EndsWith('\n')))
        {
            error = new SdpParseError(SdpErrorKind.BadLine, text.Count(c => c == '\n') + 1, 1, "the last line ending differs from the first (mixed line endings)");
            return false;
        }
        var lines = body.Split(result.LineEnding);

        SdpMediaDescription? media = null;
        var sawTime = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i];
            if (line.Length < 2 || line[1] != '=' || line[0] is < 'a' or > 'z')
                return Fail(SdpErrorKind.BadLine, number, 1, "expected <type>=<value> with a lower-case letter type", out error);
            if (line.Contains('\r') || line.Contains('\n'))
                return Fail(SdpErrorKind.BadLine, number, line.IndexOfAny(['\r', '\n']) + 1, "stray CR or LF inside a line (mixed line endings)", out error);
            var type = line[0];
            var value = line[2..];

            // §5: v=, o=, s= open the description, in that order.
            var expected = i switch { 0 => 'v', 1 => 'o', 2 => 's', _ => '\0' };
            if (expected != '\0' && type != expected)
                return Fail(SdpErrorKind.BadOrder, number, 1, $"line {number} must be {expected}= (RFC 8866 §5)", out error);

            switch (type)
            {
                case 'v' when value != "0":
                    return Fail(SdpErrorKind.BadVersion, number, 3, "only v=0 is defined (§5.1)", out error);
                case 'o' when value.Split(' ').Length != 6:
                    return Fail(SdpErrorKind.BadOrigin, number, 3, "o= needs <username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (§5.2)", out error);
                case 'c' when !SdpConnection.TryParse(value, out _):
                    return Fail(SdpErrorKind.BadConnection, number, 3, "c= needs <nettype> <addrtype> <connection-address> (§5.7)", out error);
                case 't':
                    if (media is not null) return Fail(SdpErrorKind.BadOrder, number, 1, "t= belongs before the first m= (§5.9)", out error);
                    sawTime = true;
                    break;
                case 'a':
                    var name = value.IndexOf(':') is var colon and >= 0 ? value[..colon] : value;
                    if (name.Length == 0 || !name.All(IsTokenChar))
                        return Fail(SdpErrorKind.BadAttribute, number, 3, $"attribute name '{name}' is not a token (§5.13)", out error);
                    break;
                case 'm':
                    if (!sawTime) return Fail(SdpErrorKind.MissingLine, number, 1, "t= is required before the first m= (§5.9)", out error);
                    if (!TryParseMediaLine(value, out media, out var column))
                        return Fail(SdpErrorKind.BadMedia, number, column + 3, "m= needs <media> <port>[/<number>] <proto> <fmt> ... (§5.14)", out error);
                    result.Media.Add(media!);
                    continue;
            }
            (media?.Lines ?? result.Lines).Add(new SdpLine(type, value));
        }

        if (lines.Length < 3) return Fail(SdpErrorKind.MissingLine, lines.Length + 1, 1, "v=, o= and s= are required (§5)", out error);
        if (!sawTime) return Fail(SdpErrorKind.MissingLine, lines.Length, 1, "t= is required (§5.9)", out error);
        sdp = result;
        return true;
    }

    private static bool TryParseMediaLine(string value, out SdpMediaDescription? media, out int column)
    {
        media = null;
        var parts = value.Split(' ');
        column = 0;
        if (parts.Length < 3 || parts[0].Length == 0 || !parts[0].All(IsTokenChar)) return false;
        column = parts[0].Length + 1;
        var port = parts[1];
        int? count = null;
        if (port.IndexOf('/') is var slash and >= 0)
        {
            var countText = port[(slash + 1)..];
            if (!countText.All(char.IsAsciiDigit) || !int.TryParse(countText, out var n) || n <= 0 || n.ToString() != countText) return false;
            count = n;
            port = port[..slash];
        }
        // A canonical port (no sign or leading zeros) keeps the round trip exact.
        if (!port.All(char.IsAsciiDigit) || !int.TryParse(port, out var p) || p > 65535 || p.ToString() != port) return false;
        column += parts[1].Length + 1;
        if (parts[2].Length == 0) return false;
        var formats = parts.Skip(3).ToList();
        if (formats.Any(f => f.Length == 0)) return false;
        media = new SdpMediaDescription(parts[0], p, parts[2], formats, count);
        return true;
    }

    /// <summary>token-char of RFC 8866 §9.</summary>
    private static bool IsTokenChar(char c) => c is >= '!' and <= '~' && c is not ('"' or '(' or ')' or ',' or '/' or ':' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}');

    private static bool Fail(SdpErrorKind kind, int line, int column, string message, out SdpParseError? error)
    {
        error = new SdpParseError(kind, line, column, message);
        return false;
    }
}
