using System.Text;

namespace Gateway.Sip.Auth;

/// <summary>
/// The auth-params of a Digest challenge or credentials (RFC 3261 §25.1, RFC 2617 §3.2):
/// "Digest" LWS auth-param *( COMMA auth-param ), auth-param = token EQUAL ( token / quoted-string ).
/// </summary>
public sealed class DigestParameters
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public string? this[string name] => _values.TryGetValue(name, out var v) ? v : null;
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Parses a WWW-Authenticate/Authorization value; false for another scheme or bad syntax. Never throws.</summary>
    public static bool TryParse(string headerValue, out DigestParameters? parameters)
    {
        parameters = null;
        var s = headerValue.AsSpan().Trim();
        if (!s.StartsWith("Digest", StringComparison.OrdinalIgnoreCase) || s.Length < 7 || s[6] is not (' ' or '\t')) return false;
        s = s[7..];
        var result = new DigestParameters();
        while (true)
        {
            s = s.TrimStart(" \t");
            var eq = s.IndexOf('=');
            if (eq <= 0) return false;
            var name = s[..eq].Trim().ToString();
            s = s[(eq + 1)..].TrimStart(" \t");
            string value;
            if (s.Length > 0 && s[0] == '"')
            {
                var sb = new StringBuilder();
                var i = 1;
                for (; i < s.Length && s[i] != '"'; i++)
                {
                    if (s[i] == '\\' && i + 1 < s.Length) i++;
                    sb.Append(s[i]);
                }
                if (i >= s.Length) return false;
                value = sb.ToString();
                s = s[(i + 1)..];
            }
            else
            {
                var end = s.IndexOfAny(", \t");
                value = (end < 0 ? s : s[..end]).ToString();
                s = end < 0 ? default : s[end..];
            }
            if (name.Length == 0) return false;
            result._values[name] = value;
            s = s.TrimStart(" \t");
            if (s.IsEmpty) break;
            if (s[0] != ',') return false;
            s = s[1..];
        }
        parameters = result;
        return true;
    }

    internal static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
