namespace Gateway.Sip.Messages;

/// <summary>The typed hot headers of a message, parsed once from its header list (RFC 3261 §20).</summary>
internal sealed class ParsedHeaders
{
    private static readonly List<SipVia> NoVias = [];
    private static readonly List<NameAddress> NoAddresses = [];

    public List<SipVia> Vias { get; private set; } = NoVias;
    public NameAddress? From { get; private set; }
    public NameAddress? To { get; private set; }
    public CSeqValue? CSeq { get; private set; }
    public List<NameAddress> Contacts { get; private set; } = NoAddresses;
    public bool ContactWildcard { get; private set; }
    public List<NameAddress> Routes { get; private set; } = NoAddresses;
    public List<NameAddress> RecordRoutes { get; private set; } = NoAddresses;
    public int? MaxForwards { get; private set; }
    public uint? Expires { get; private set; }

    /// <summary>Parses every hot header; the first malformed one is reported (the first of a repeated single-valued header wins).</summary>
    public static ParsedHeaders Parse(SipMessage message, out SipParseError? error)
    {
        error = null;
        var p = new ParsedHeaders();
        for (var i = 0; i < message.HeaderCount; i++)
        {
            var name = message.NameAt(i);
            if (!IsTyped(name)) continue;
            var h = new SipHeader(name, message.ValueAt(i));
            if (!p.Apply(h) && error is null)
                error = new SipParseError(SipParseErrorKind.BadHeaderValue, 0, $"malformed {h.Name} header value: {Shorten(h.Value)}");
        }
        return p;
    }

    private static bool IsTyped(string name) => name is SipHeaderNames.Via or SipHeaderNames.From or SipHeaderNames.To
        or SipHeaderNames.CSeq or SipHeaderNames.CallId or SipHeaderNames.Contact or SipHeaderNames.Route or SipHeaderNames.RecordRoute
        or SipHeaderNames.MaxForwards or SipHeaderNames.Expires or SipHeaderNames.ContentLength or SipHeaderNames.Date;

    private bool Apply(SipHeader h)
    {
        switch (h.Name)
        {
            case SipHeaderNames.Via:
                if (Vias == NoVias) Vias = [];
                return SipVia.TryParseList(h.Value, Vias);
            case SipHeaderNames.From:
                if (!NameAddress.TryParse(h.Value, out var from)) return false;
                From ??= from;
                return true;
            case SipHeaderNames.To:
                if (!NameAddress.TryParse(h.Value, out var to)) return false;
                To ??= to;
                return true;
            case SipHeaderNames.CSeq:
                if (!CSeqValue.TryParse(h.Value, out var cseq)) return false;
                CSeq ??= cseq;
                return true;
            case SipHeaderNames.CallId:
                // Call-ID = word [ "@" word ] (§25.1)
                if (h.Value.Length == 0) return false;
                foreach (var c in h.Value)
                    if (!(SipGrammar.IsWordChar(c) || c == '@')) return false;
                return true;
            case SipHeaderNames.Contact:
                if (h.Value.Trim() == "*") { ContactWildcard = true; return true; }
                if (Contacts == NoAddresses) Contacts = [];
                return NameAddress.TryParseList(h.Value, Contacts);
            case SipHeaderNames.Route:
                if (Routes == NoAddresses) Routes = [];
                return NameAddress.TryParseList(h.Value, Routes);
            case SipHeaderNames.RecordRoute:
                if (RecordRoutes == NoAddresses) RecordRoutes = [];
                return NameAddress.TryParseList(h.Value, RecordRoutes);
            case SipHeaderNames.MaxForwards:
                // Max-Forwards = 1*DIGIT, 0-255 (§20.22)
                if (!SipGrammar.TryParseBounded(h.Value.AsSpan().Trim(), 255, out var mf)) return false;
                MaxForwards ??= (int)mf;
                return true;
            case SipHeaderNames.Expires:
                // delta-seconds = 1*DIGIT, a 32-bit value (§20.19, §25.1)
                if (!SipGrammar.TryParseBounded(h.Value.AsSpan().Trim(), uint.MaxValue, out var ex)) return false;
                Expires ??= (uint)ex;
                return true;
            case SipHeaderNames.ContentLength:
                return SipGrammar.TryParseBounded(h.Value.AsSpan().Trim(), int.MaxValue, out _);
            case SipHeaderNames.Date:
                // SIP-date = rfc1123-date, always in GMT (§20.17)
                return h.Value.TrimEnd().EndsWith(" GMT", StringComparison.Ordinal);
            default:
                return true;
        }
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "...";
}
