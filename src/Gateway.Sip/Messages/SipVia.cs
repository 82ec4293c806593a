namespace Gateway.Sip.Messages;

/// <summary>
/// One via-parm (RFC 3261 §20.42): sent-protocol LWS sent-by *( SEMI via-params ), with RFC 3581 rport.
/// sent-protocol = protocol-name SLASH protocol-version SLASH transport.
/// </summary>
public sealed class SipVia
{
    /// <summary>The magic cookie that marks an RFC 3261 branch (§8.1.1.7).</summary>
    public const string MagicCookie = "z9hG4bK";

    public SipVia(string transport, string host, int? port, IReadOnlyList<KeyValuePair<string, string?>> parameters)
    {
        Transport = transport;
        Host = host;
        Port = port;
        Parameters = parameters;
    }

    /// <summary>Upper-case transport: UDP, TCP, TLS, SCTP, WS, WSS or another token.</summary>
    public string Transport { get; }
    public string Host { get; }
    public int? Port { get; }
    public IReadOnlyList<KeyValuePair<string, string?>> Parameters { get; }

    public string? Branch => GetParameter("branch");
    public string? Received => GetParameter("received");
    public bool HasRport => GetParameter("rport") is not null;
    public int? Rport => int.TryParse(GetParameter("rport"), out var p) ? p : null;

    /// <summary>True when the branch starts with the magic cookie and has more after it (RFC 4475 §3.2.1).</summary>
    public bool HasRfc3261Branch => Branch is { } b && b.StartsWith(MagicCookie, StringComparison.Ordinal) && b.Length > MagicCookie.Length;

    public string? GetParameter(string name)
    {
        foreach (var p in Parameters)
            if (p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) return p.Value ?? "";
        return null;
    }

    /// <summary>A copy with a parameter set or replaced (received, rport=, §18.2.1 and RFC 3581 §4).</summary>
    public SipVia WithParameter(string name, string? value)
    {
        var list = new List<KeyValuePair<string, string?>>(Parameters.Count + 1);
        var replaced = false;
        foreach (var p in Parameters)
        {
            if (p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) { list.Add(new(name, value)); replaced = true; }
            else list.Add(p);
        }
        if (!replaced) list.Add(new(name, value));
        return new SipVia(Transport, Host, Port, list);
    }

    public override string ToString()
    {
        var s = "SIP/2.0/" + Transport + " " + Host + (Port is null ? "" : ":" + Port);
        foreach (var p in Parameters) s += ";" + p.Key + (p.Value is null ? "" : "=" + p.Value);
        return s;
    }

    /// <summary>Parses a Via header value that may hold several via-parms separated by COMMA.</summary>
    public static bool TryParseList(string value, List<SipVia> into)
    {
        var reader = new HeaderValueReader(value);
        reader.SkipWhitespace();
        while (true)
        {
            if (!TryRead(ref reader, out var via)) return false;
            into.Add(via!);
            reader.SkipWhitespace();
            if (reader.AtEnd) return true;
            if (!reader.TrySeparator(',')) return false;
        }
    }

    private static bool TryRead(ref HeaderValueReader reader, out SipVia? via)
    {
        via = null;
        if (!reader.TryToken(out var name) || !name.Equals("SIP", StringComparison.OrdinalIgnoreCase)) return false;
        if (!reader.TrySeparator('/') || !reader.TryToken(out var version) || !version.SequenceEqual("2.0")) return false;
        if (!reader.TrySeparator('/') || !reader.TryToken(out var transport)) return false;
        var before = reader.Position;
        reader.SkipWhitespace();
        if (reader.Position == before) return false; // LWS before sent-by is required
        if (!reader.TryHostOrToken(out var sentBy)) return false;

        string host;
        int? port = null;
        var portSep = sentBy[0] == '[' ? sentBy.LastIndexOf("]:") + 1 : sentBy.IndexOf(':');
        if (portSep > 0)
        {
            if (!SipGrammar.TryParseBounded(sentBy[(portSep + 1)..], 65535, out var p)) return false;
            port = (int)p;
            host = sentBy[..portSep].ToString();
        }
        else host = sentBy.ToString();
        if (reader.TrySeparator(':'))
        {
            if (port is not null || !reader.TryToken(out var ps) || !SipGrammar.TryParseBounded(ps, 65535, out var p2)) return false;
            port = (int)p2;
        }

        var parameters = new List<KeyValuePair<string, string?>>();
        if (!reader.TryParameters(parameters)) return false;
        via = new SipVia(transport.ToString().ToUpperInvariant(), host, port, parameters);
        return true;
    }
}
