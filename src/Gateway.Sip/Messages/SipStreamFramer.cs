using System.Buffers;

namespace Gateway.Sip.Messages;

/// <summary>Outcome of framing a message from a TCP/TLS byte stream.</summary>
public enum SipFrameResult
{
    /// <summary>A whole message was framed and parsed; <c>consumed</c> is after it.</summary>
    Complete,
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    NeedMore,
    /// <summary>CRLF keep-alives (RFC 5626 §3.5.1) were consumed; no message.</summary>
    KeepAlive,
    /// <summary>The stream cannot be framed (no or bad Content-Length, too large): close the connection.</summary>
    Malformed,
    /// <summary>A message was framed but did not parse; <c>consumed</c> skips it, the stream stays usable.</summary>
    Invalid,
}

/// <summary>
/// Frames SIP messages on a stream transport, where Content-Length is mandatory (RFC 3261 §18.3, §20.14),
/// following the Kestrel parser contract: incomplete input consumes nothing.
/// </summary>
public sealed class SipStreamFramer(int maxMessageSize = 65536)
{
    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    public int MaxMessageSize { get; } = maxMessageSize;

    public SipFrameResult TryFrame(ReadOnlySequence<byte> buffer, out SequencePosition consumed, out SipMessage? message, out SipParseError? error)
    {
        message = null;
        error = null;
        consumed = buffer.Start;

        var reader = new SequenceReader<byte>(buffer);
        var keepAlive = reader.AdvancePastAny((byte)'\r', (byte)'\n');
        if (keepAlive > 0)
        {
            // A lone CR may be the start of a double-CRLF ping; wait for its LF.
            if (reader.End && buffer.Slice(0, keepAlive).ToArray()[^1] == '\r') return SipFrameResult.NeedMore;
            consumed = reader.Position;
            return SipFrameResult.KeepAlive;
        }

        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, HeaderEnd, advancePastDelimiter: true))
        {
            if (buffer.Length > MaxMessageSize) return Fail(SipParseErrorKind.TooLarge, (int)buffer.Length, "header section exceeds the maximum message size", out error);
            return SipFrameResult.NeedMore;
        }
        var headLength = head.Length + HeaderEnd.Length;
        if (headLength > MaxMessageSize) return Fail(SipParseErrorKind.TooLarge, (int)headLength, "header section exceeds the maximum message size", out error);

        var headBytes = head.IsSingleSegment ? head.FirstSpan : head.ToArray();
        if (!TryFindContentLength(headBytes, out var contentLength, out var clError))
        {
            error = clError;
            return SipFrameResult.Malformed;
        }
        var total = headLength + contentLength;
        if (total > MaxMessageSize) return Fail(SipParseErrorKind.TooLarge, (int)headLength, $"message of {total} bytes exceeds {MaxMessageSize}", out error);
        if (buffer.Length < total) return SipFrameResult.NeedMore;

        var frame = buffer.Slice(0, total);
        consumed = frame.End;
        var bytes = frame.IsSingleSegment ? frame.FirstSpan : frame.ToArray();
        return SipMessage.TryParse(bytes, out message, out error) ? SipFrameResult.Complete : SipFrameResult.Invalid;
    }

    /// <summary>Finds Content-Length (or its compact form "l") among the header lines, ignoring folded lines.</summary>
    private static bool TryFindContentLength(ReadOnlySpan<byte> head, out long length, out SipParseError? error)
    {
        length = 0;
        error = null;
        var offset = 0;
        while (!head.IsEmpty)
        {
            var lf = head.IndexOf((byte)'\n');
            var line = lf < 0 ? head : head[..lf];
            if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
            var colon = line.IndexOf((byte)':');
            if (colon > 0 && line[0] is not ((byte)' ' or (byte)'\t'))
            {
                var name = line[..colon].TrimEnd(" \t"u8);
                if (name.EqualsIgnoreCaseAscii("content-length"u8) || name.EqualsIgnoreCaseAscii("l"u8))
                {
                    var value = line[(colon + 1)..].Trim(" \t"u8);
                    if (!TryParseDigits(value, out length))
                    {
                        error = new SipParseError(SipParseErrorKind.BadContentLength, offset, "Content-Length is not a non-negative integer");
                        return false;
                    }
                    return true;
                }
            }
            if (lf < 0) break;
            offset += lf + 1;
            head = head[(lf + 1)..];
        }
        error = new SipParseError(SipParseErrorKind.BadContentLength, 0, "Content-Length is mandatory on stream transports (§18.3)");
        return false;
    }

    private static bool TryParseDigits(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 9) return false;
        foreach (var b in s)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    private static SipFrameResult Fail(SipParseErrorKind kind, int offset, string text, out SipParseError? error)
    {
        error = new SipParseError(kind, offset, text);
        return SipFrameResult.Malformed;
    }
}

internal static class AsciiSpanExtensions
{
    public static bool EqualsIgnoreCaseAscii(this ReadOnlySpan<byte> a, ReadOnlySpan<byte> lowerB)
    {
        if (a.Length != lowerB.Length) return false;
        for (var i = 0; i < a.Length; i++)
            if ((a[i] | 0x20) != lowerB[i]) return false;
        return true;
    }
}
