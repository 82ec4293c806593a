namespace Gateway.Sip.Messages;

/// <summary>Canonical header names and the compact forms of RFC 3261 §7.3.3 (and the IANA registry).</summary>
public static class SipHeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string Contact = "Contact";
    public const string MaxForwards = "Max-Forwards";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string ContentEncoding = "Content-Encoding";
    public const string Route = "Route";
    public const string RecordRoute = "Record-Route";
    public const string Expires = "Expires";
    public const string Date = "Date";
    public const string Subject = "Subject";
    public const string Supported = "Supported";
    public const string Require = "Require";
    public const string RSeq = "RSeq";
    public const string RAck = "RAck";
    public const string Privacy = "Privacy";
    public const string PAssertedIdentity = "P-Asserted-Identity";
    public const string PPreferredIdentity = "P-Preferred-Identity";
    public const string Diversion = "Diversion";
    public const string HistoryInfo = "History-Info";
    public const string Allow = "Allow";
    public const string Event = "Event";
    public const string AllowEvents = "Allow-Events";
    public const string ReferTo = "Refer-To";
    public const string ReferredBy = "Referred-By";
    public const string SessionExpires = "Session-Expires";
    public const string UserAgent = "User-Agent";
    public const string Authorization = "Authorization";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string WwwAuthenticate = "WWW-Authenticate";
    public const string ProxyAuthenticate = "Proxy-Authenticate";

    private static readonly string[] Known =
    [
        Via, From, To, CallId, CSeq, Contact, MaxForwards, ContentLength, ContentType, ContentEncoding, Route,
        RecordRoute, Expires, Date, Subject, Supported, Require, Allow, Event, AllowEvents, ReferTo, ReferredBy,
        SessionExpires, UserAgent, Authorization, ProxyAuthorization, WwwAuthenticate, ProxyAuthenticate,
        "Accept", "Proxy-Require", "Unsupported", "Server", "Warning", "Retry-After", "Reason", "Min-Expires",
        "Min-SE", Privacy, PAssertedIdentity, PPreferredIdentity, Diversion, HistoryInfo, RSeq, RAck, "Content-Disposition", "Timestamp", "Organization",
    ];

    /// <summary>
    /// Returns the canonical spelling of a header name: compact forms expanded (§7.3.3), known names in their
    /// registered case, unknown names as received. Never allocates for known names.
    /// </summary>
    public static string Canonicalize(ReadOnlySpan<char> name)
    {
        if (name.Length == 1)
        {
            switch (char.ToLowerInvariant(name[0]))
            {
                case 'i': return CallId;
                case 'm': return Contact;
                case 'e': return ContentEncoding;
                case 'l': return ContentLength;
                case 'c': return ContentType;
                case 'f': return From;
                case 's': return Subject;
                case 'k': return Supported;
                case 't': return To;
                case 'v': return Via;
                case 'o': return Event;
                case 'u': return AllowEvents;
                case 'r': return ReferTo;
                case 'b': return ReferredBy;
                case 'x': return SessionExpires;
            }
        }
        foreach (var known in Known)
        {
            if (name.Equals(known, StringComparison.OrdinalIgnoreCase))
                return known;
        }
        return name.ToString();
    }

    /// <summary>The canonical name for header name bytes when the name is known (compact forms included), else null. Never allocates.</summary>
    internal static string? CanonicalizeKnown(ReadOnlySpan<byte> name)
    {
        if (name.Length == 1)
        {
            Span<char> one = [(char)name[0]];
            var c = Canonicalize(one);
            return c.Length > 1 ? c : null;
        }
        foreach (var known in Known)
        {
            if (known.Length != name.Length) continue;
            var same = true;
            for (var i = 0; i < known.Length && same; i++) same = char.ToLowerInvariant(known[i]) == char.ToLowerInvariant((char)name[i]);
            if (same) return known;
        }
        return null;
    }

    /// <summary>Case-insensitive header name comparison after canonicalization (§7.3.1).</summary>
    public static bool NameEquals(string canonical, string other) =>
        string.Equals(canonical, other, StringComparison.OrdinalIgnoreCase);
}
