namespace Gateway.Sip.Messages;

/// <summary>Why a SIP message was refused. Each reason names the RFC 3261 rule it enforces.</summary>
public enum SipParseErrorKind
{
    /// <summary>No bytes, or only CRLF keep-alives (RFC 3261 §7.5).</summary>
    Empty,
    /// <summary>The header section is not terminated by an empty line (§7).</summary>
    Incomplete,
    /// <summary>Request-Line is not Method SP Request-URI SP SIP-Version (§25.1, §7.1).</summary>
    BadRequestLine,
    /// <summary>Status-Line is not SIP-Version SP Status-Code SP Reason-Phrase (§7.2).</summary>
    BadStatusLine,
    /// <summary>Method is not a token (§25.1).</summary>
    BadMethod,
    /// <summary>Request-URI is malformed or carries headers (§19.1.1, table 1).</summary>
    BadRequestUri,
    /// <summary>SIP-Version other than SIP/2.0 (§7.1).</summary>
    UnsupportedVersion,
    /// <summary>Status-Code is not three digits from 100 to 699 (§7.2, §21).</summary>
    BadStatusCode,
    /// <summary>A header line is not field-name HCOLON field-value (§7.3).</summary>
    BadHeaderLine,
    /// <summary>A known header's value does not match its grammar (§25.1, §20).</summary>
    BadHeaderValue,
    /// <summary>Content-Length is not a non-negative integer (§20.14).</summary>
    BadContentLength,
    /// <summary>Content-Length claims more octets than were received (§18.3).</summary>
    BodyTruncated,
    /// <summary>The message exceeds the configured maximum size.</summary>
    TooLarge,
    /// <summary>A mandatory header (To, From, CSeq, Call-ID, Via) is missing (§8.1.1).</summary>
    MissingHeader,
    /// <summary>A single-valued header appears more than once, or CSeq's method differs from the request's (§8.1.1.5).</summary>
    InconsistentMessage,
}

/// <summary>A precise parse error: what rule failed, where (byte offset), and a short human text.</summary>
public sealed record SipParseError(SipParseErrorKind Kind, int Offset, string Message)
{
    public override string ToString() => $"{Kind} at byte {Offset}: {Message}";
}
