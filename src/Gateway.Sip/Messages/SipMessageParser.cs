using System.Text;

namespace Gateway.Sip.Messages;

/// <summary>
/// Parses one SIP message from bytes (RFC 3261 §7, §25.1). Never throws on input: every failure is a
/// <see cref="SipParseError"/> with the byte offset where the rule broke.
/// </summary>
/// <remarks>
/// generic-message = start-line *message-header CRLF [ message-body ]
/// Header lines may be folded (a line starting with SP or HTAB continues the previous one, §7.3.1).
/// Framing (§18.3): over datagrams a missing Content-Length means "to the end"; a Content-Length
/// larger than the datagram is an error, a smaller one discards the extra octets.
/// </remarks>
internal static class SipMessageParser
{
    public const int DefaultMaxMessageSize = 1 << 20;

    public static bool TryParse(ReadOnlySpan<byte> data, int maxSize, out SipMessage? message, out SipParseError? error)
    {
        message = null;
        try
        {
            error = Parse(data, maxSize, out message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Defence in depth: a parser bug must never take down a transport loop.
            error = new SipParseError(SipParseErrorKind.BadHeaderLine, 0, "internal parser error: " + e.GetType().Name);
            message = null;
        }
        return error is null;
    }

    private static SipParseError? Parse(ReadOnlySpan<byte> data, int maxSize, out SipMessage? message)
    {
        message = null;
        if (data.Length > maxSize) return Error(SipParseErrorKind.TooLarge, 0, $"message of {data.Length} bytes exceeds {maxSize}");

        // §7.5: CRLFs before the start line are ignored.
        var pos = 0;
        while (pos < data.Length && data[pos] is (byte)'\r' or (byte)'\n') pos++;
        if (pos == data.Length) return Error(SipParseErrorKind.Empty, pos, "no start line");

        if (!TryReadLine(data, ref pos, out var startLine, out var startOffset))
            return Error(SipParseErrorKind.Incomplete, data.Length, "start line not terminated by CRLF");

        var headers = new List<SipHeader>(16);
        var headerError = ReadHeaders(data, ref pos, headers);
        if (headerError is not null) return headerError;

        // Body framing by the first Content-Length (§20.14).
        var bodyLength = data.Length - pos;
        foreach (var h in headers)
        {
            if (h.Name != SipHeaderNames.ContentLength) continue;
            if (!SipGrammar.TryParseBounded(h.Value.AsSpan().Trim(), int.MaxValue, out var cl))
                return Error(SipParseErrorKind.BadContentLength, pos, $"Content-Length '{h.Value}' is not a non-negative integer");
            if ((long)cl > data.Length - pos)
                return Error(SipParseErrorKind.BodyTruncated, pos, $"Content-Length {cl} exceeds the {data.Length - pos} octets received");
            bodyLength = (int)cl;
            break;
        }
        var body = bodyLength == 0 ? ReadOnlyMemory<byte>.Empty : data.Slice(pos, bodyLength).ToArray();

        var startError = BuildMessage(startLine, startOffset, headers, body, out message);
        if (startError is not null) return startError;
        var typedError = message!.ValidateTypedHeaders();
        if (typedError is not null)
        {
            message = null;
            return typedError;
        }
        return null;
    }

    /// <summary>Reads header lines up to the empty line, unfolding continuations.</summary>
    private static SipParseError? ReadHeaders(ReadOnlySpan<byte> data, ref int pos, List<SipHeader> headers)
    {
        string? name = null;
        StringBuilder? folded = null;
        var value = "";
        while (true)
        {
            if (!TryReadLine(data, ref pos, out var line, out var lineOffset))
                return Error(SipParseErrorKind.Incomplete, data.Length, "header section not terminated by an empty line");
            if (line.IsEmpty) break;

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (name is null) return Error(SipParseErrorKind.BadHeaderLine, lineOffset, "continuation line before any header");
                folded ??= new StringBuilder(value);
                var cont = Encoding.UTF8.GetString(line).Trim(' ', '\t');
                if (cont.Length > 0)
                {
                    if (folded.Length > 0) folded.Append(' ');
                    folded.Append(cont);
                }
                continue;
            }

            if (name is not null) headers.Add(new SipHeader(name, folded?.ToString() ?? value));
            folded = null;

            var colon = line.IndexOf((byte)':');
            if (colon < 0) return Error(SipParseErrorKind.BadHeaderLine, lineOffset, "header line without a colon");
            var rawName = line[..colon].TrimEnd(" \t"u8);
            if (!SipGrammar.IsToken(rawName))
                return Error(SipParseErrorKind.BadHeaderLine, lineOffset, "header name is not a token");
            name = SipHeaderNames.Canonicalize(Encoding.ASCII.GetString(rawName));
            value = Encoding.UTF8.GetString(line[(colon + 1)..].Trim(" \t"u8));
        }
        if (name is not null) headers.Add(new SipHeader(name, folded?.ToString() ?? value));
        return null;
    }

    private static SipParseError? BuildMessage(ReadOnlySpan<byte> line, int offset, List<SipHeader> headers, ReadOnlyMemory<byte> body, out SipMessage? message)
    {
        message = null;
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2)
        if (line.StartsWith("SIP/"u8))
        {
            if (!line.StartsWith("SIP/2.0 "u8))
                return Error(SipParseErrorKind.UnsupportedVersion, offset, "only SIP/2.0 is supported");
            var rest = line[8..];
            var sp = rest.IndexOf((byte)' ');
            if (sp < 0) return Error(SipParseErrorKind.BadStatusLine, offset + 8, "no SP after the status code");
            var code = rest[..sp];
            if (code.Length != 3 || !char.IsAsciiDigit((char)code[0]) || !char.IsAsciiDigit((char)code[1]) || !char.IsAsciiDigit((char)code[2]))
                return Error(SipParseErrorKind.BadStatusCode, offset + 8, "status code must be three digits");
            var status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
            if (status is < 100 or > 699) return Error(SipParseErrorKind.BadStatusCode, offset + 8, $"status code {status} is outside 100-699");
            message = new SipResponse(status, Encoding.UTF8.GetString(rest[(sp + 1)..]), headers, body);
            return null;
        }

        // Request-Line = Method SP Request-URI SP SIP-Version CRLF (§7.1): exactly two single spaces.
        var sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0) return Error(SipParseErrorKind.BadRequestLine, offset, "request line is not Method SP Request-URI SP SIP-Version");
        var method = line[..sp1];
        if (!SipGrammar.IsToken(method)) return Error(SipParseErrorKind.BadMethod, offset, "method is not a token");
        var afterMethod = line[(sp1 + 1)..];
        var sp2 = afterMethod.IndexOf((byte)' ');
        if (sp2 <= 0) return Error(SipParseErrorKind.BadRequestLine, offset + sp1 + 1, "request line is not Method SP Request-URI SP SIP-Version");
        var version = afterMethod[(sp2 + 1)..];
        if (!version.SequenceEqual("SIP/2.0"u8))
        {
            var kind = version.StartsWith("SIP/"u8) && version.IndexOf((byte)' ') < 0 ? SipParseErrorKind.UnsupportedVersion : SipParseErrorKind.BadRequestLine;
            return Error(kind, offset + sp1 + sp2 + 2, "expected exactly 'SIP/2.0' after a single SP");
        }
        var uriText = Encoding.UTF8.GetString(afterMethod[..sp2]);
        if (!SipUri.TryParse(uriText, out var uri))
            return Error(SipParseErrorKind.BadRequestUri, offset + sp1 + 1, "Request-URI is malformed");
        if (uri!.IsSip && uri.Headers is not null)
            return Error(SipParseErrorKind.BadRequestUri, offset + sp1 + 1, "Request-URI must not carry headers (§19.1.1)");
        message = new SipRequest(SipMethods.Intern(method), uri, headers, body);
        return null;
    }

    /// <summary>Reads one line ending in CRLF (a bare LF is tolerated); false when no line end remains.</summary>
    private static bool TryReadLine(ReadOnlySpan<byte> data, ref int pos, out ReadOnlySpan<byte> line, out int lineOffset)
    {
        lineOffset = pos;
        var lf = data[pos..].IndexOf((byte)'\n');
        if (lf < 0)
        {
            line = default;
            return false;
        }
        line = data.Slice(pos, lf);
        if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
        pos += lf + 1;
        return true;
    }

    private static SipParseError Error(SipParseErrorKind kind, int offset, string message) => new(kind, offset, message);
}
