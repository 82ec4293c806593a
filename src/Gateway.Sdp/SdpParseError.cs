namespace Gateway.Sdp;

/// <summary>Why an SDP was refused, each tied to an RFC 8866 rule.</summary>
public enum SdpErrorKind
{
    /// <summary>No lines at all.</summary>
    Empty,
    /// <summary>A line is not &lt;type&gt;=&lt;value&gt; with a single lower-case letter type (§5).</summary>
    BadLine,
    /// <summary>v=, o=, s= must open the description in that order; t= must follow (§5).</summary>
    BadOrder,
    /// <summary>v= is not 0 (§5.1).</summary>
    BadVersion,
    /// <summary>o= does not have its six fields (§5.2).</summary>
    BadOrigin,
    /// <summary>c= is not nettype SP addrtype SP connection-address (§5.7).</summary>
    BadConnection,
    /// <summary>m= is not media SP port[/number] SP proto 1*(SP fmt) (§5.14).</summary>
    BadMedia,
    /// <summary>An attribute name is not a token (§5.13).</summary>
    BadAttribute,
    /// <summary>A required line is missing (t=, or c= for an active media description, §5.7, §5.9).</summary>
    MissingLine,
    /// <summary>The text is not valid UTF-8 or is larger than allowed.</summary>
    BadEncoding,
}

/// <summary>A precise SDP error: 1-based line and column, and what to fix.</summary>
public sealed record SdpParseError(SdpErrorKind Kind, int Line, int Column, string Message)
{
    public override string ToString() => $"line {Line}, column {Column}: {Message} ({Kind})";
}
