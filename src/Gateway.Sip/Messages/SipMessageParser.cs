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
/// The parse checks the start line, the header-line syntax and Content-Length, and copies the message
/// bytes once; header values and typed headers are decoded when first read, and checked by
/// <see cref="SipMessageValidator"/>.
/// </remarks>
internal static class SipMessageParser
{
    public const int DefaultMaxMessageSize = 1 << 20;
    private const int MaxRequestUriLength = 8192;

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
        var start = 0;
        while (start < data.Length && data[start] is (byte)'\r' or (byte)'\n') start++;
        if (start == data.Length) return Error(SipParseErrorKind.Empty, start, "no start line");
        data = data[start..];

        var pos = 0;
        if (!TryReadLine(data, ref pos, out var startLine))
            return Error(SipParseErrorKind.Incomplete, start + data.Length, "start line not terminated by CRLF");
        var startLineLength = startLine.Length;

        var entries = new HeaderEntry[16];
        var count = 0;
        var contentLengthIndex = -1;
        while (true)
        {
            var lineOffset = pos;
            if (!TryReadLine(data, ref pos, out var line))
                return Error(SipParseErrorKind.Incomplete, start + data.Length, "header section not terminated by an empty line");
            if (line.IsEmpty) break;

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (count == 0) return Error(SipParseErrorKind.BadHeaderLine, start + lineOffset, "continuation line before any header");
                ref var previous = ref entries[count - 1];
                var trimmed = line.TrimEnd(" \t"u8);
                if (trimmed.TrimStart(" \t"u8).IsEmpty) continue;
                if (previous.ValueLength == 0) previous.ValueStart = lineOffset;
                previous.ValueLength = lineOffset + trimmed.Length - previous.ValueStart;
                previous.Folded = true;
                continue;
            }

            var colon = line.IndexOf((byte)':');
            if (colon < 0) return Error(SipParseErrorKind.BadHeaderLine, start + lineOffset, "header line without a colon");
            var name = line[..colon].TrimEnd(" \t"u8);
            if (!SipGrammar.IsToken(name)) return Error(SipParseErrorKind.BadHeaderLine, start + lineOffset, "header name is not a token");
            var valueStart = colon + 1;
            while (valueStart < line.Length && line[valueStart] is (byte)' ' or (byte)'\t') valueStart++;
            var value = line[valueStart..].TrimEnd(" \t"u8);

            if (count == entries.Length) Array.Resize(ref entries, count * 2);
            var canonical = SipHeaderNames.CanonicalizeKnown(name);
            entries[count++] = new HeaderEntry
            {
                Name = canonical,
                NameStart = lineOffset,
                NameLength = name.Length,
                ValueStart = lineOffset + valueStart,
                ValueLength = value.Length,
            };
            if (canonical == SipHeaderNames.ContentLength && contentLengthIndex < 0) contentLengthIndex = count - 1;
        }

        var bodyStart = pos;
        var bodyLength = data.Length - bodyStart;
        if (contentLengthIndex >= 0)
        {
            // Content-Length = 1*DIGIT (§20.14); only the first occurrence frames the body. It may be folded.
            var entry = entries[contentLengthIndex];
            var value = data.Slice(entry.ValueStart, entry.ValueLength).Trim(" \t\r\n"u8);
            if (!TryParseLength(value, out var contentLength))
                return Error(SipParseErrorKind.BadContentLength, start + entry.NameStart, $"Content-Length '{Encoding.ASCII.GetString(value)}' is not a non-negative integer");
            if (contentLength > bodyLength)
                return Error(SipParseErrorKind.BodyTruncated, start + bodyStart, $"Content-Length {contentLength} exceeds the {bodyLength} octets received");
            bodyLength = contentLength;
        }

        var raw = data[..(bodyStart + bodyLength)].ToArray();
        var body = bodyLength == 0 ? ReadOnlyMemory<byte>.Empty : raw.AsMemory(bodyStart, bodyLength);
        return BuildMessage(raw.AsSpan(0, startLineLength), start, raw, entries, count, body, out message);
    }

    private static SipParseError? BuildMessage(ReadOnlySpan<byte> line, int offset, byte[] raw, HeaderEntry[] entries, int count, ReadOnlyMemory<byte> body, out SipMessage? message)
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
            message = new SipResponse(status, (8 + sp + 1)..line.Length, raw, entries, count, body);
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
        var uriBytes = afterMethod[..sp2];
        if (uriBytes.Length > MaxRequestUriLength) return Error(SipParseErrorKind.BadRequestUri, offset + sp1 + 1, "Request-URI is too long");
        Span<char> uriChars = stackalloc char[uriBytes.Length];
        Encoding.Latin1.GetChars(uriBytes, uriChars);
        if (!SipUri.IsValidRequestUri(uriChars))
            return Error(SipParseErrorKind.BadRequestUri, offset + sp1 + 1, "Request-URI is malformed or carries headers (§19.1.1)");
        message = new SipRequest(SipMethods.Intern(method), Encoding.UTF8.GetString(uriBytes), raw, entries, count, body);
        return null;
    }

    private static bool TryParseLength(ReadOnlySpan<byte> value, out int length)
    {
        length = 0;
        if (value.IsEmpty) return false;
        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            length = length * 10 + (b - '0');
            if (length > DefaultMaxMessageSize) return false;
        }
        return true;
    }

    /// <summary>Reads one line ending in CRLF (a bare LF is tolerated); false when no line end remains.</summary>
    private static bool TryReadLine(ReadOnlySpan<byte> data, ref int pos, out ReadOnlySpan<byte> line)
    {
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
