using System.Text;

namespace Gateway.Sdp;

/// <summary>
/// An SDP session description (RFC 8866): the session-level lines (v=, o=, s=, ..., t=, a=) and the media
/// descriptions, every line kept in order with its value as received, so that parsing then serializing gives
/// back the same bytes.
/// </summary>
public sealed class SessionDescription
{
    public List<SdpLine> Lines { get; } = [];
    public List<SdpMediaDescription> Media { get; } = [];
    /// <summary>"\r\n" as RFC 8866 §5 requires; "\n" when the input used bare LF.</summary>
    public string LineEnding { get; set; } = "\r\n";
    /// <summary>False when the input's last line had no line ending.</summary>
    public bool EndsWithLineEnding { get; set; } = true;

    public string? GetLine(char type) => Lines.FirstOrDefault(l => l.Type == type)?.Value;
    public string? GetAttribute(string name) => Lines.FirstOrDefault(l => l.IsAttribute(name)) is { } l ? l.AttributeValue ?? "" : null;
    public IEnumerable<string> GetAttributes(string name) => Lines.Where(l => l.IsAttribute(name)).Select(l => l.AttributeValue ?? "");
    public bool HasAttribute(string name) => Lines.Any(l => l.IsAttribute(name));

    public SdpConnection? Connection => GetLine('c') is { } c && SdpConnection.TryParse(c, out var conn) ? conn : null;
    public SdpDirection? Direction => Lines.Where(l => l.Type == 'a').Select(l => SdpDirections.FromAttribute(l.Value)).FirstOrDefault(d => d is not null);

    /// <summary>The connection that applies to a media description: its own c=, else the session's (§5.7).</summary>
    public SdpConnection? ConnectionFor(SdpMediaDescription media) => media.Connection ?? Connection;

    /// <summary>The direction that applies to a media description (default sendrecv, §6.7).</summary>
    public SdpDirection DirectionFor(SdpMediaDescription media) => media.Direction ?? Direction ?? SdpDirection.SendRecv;

    /// <summary>A media-level attribute, else the session-level one (ice-ufrag, ice-pwd, fingerprint, setup may be either).</summary>
    public string? AttributeFor(SdpMediaDescription media, string name) => media.GetAttribute(name) ?? GetAttribute(name);

    public static bool TryParse(string text, out SessionDescription? sdp, out SdpParseError? error) => SdpParser.TryParse(text, out sdp, out error);

    public static bool TryParse(ReadOnlySpan<byte> utf8, out SessionDescription? sdp, out SdpParseError? error) => SdpParser.TryParse(utf8, out sdp, out error);

    public override string ToString()
    {
        var sb = new StringBuilder(1024);
        var first = true;
        void Append(char type, string value)
        {
            if (!first) sb.Append(LineEnding);
            first = false;
            sb.Append(type).Append('=').Append(value);
        }
        foreach (var line in Lines) Append(line.Type, line.Value);
        foreach (var media in Media)
        {
            Append('m', media.MediaLineValue);
            foreach (var line in media.Lines) Append(line.Type, line.Value);
        }
        if (EndsWithLineEnding) sb.Append(LineEnding);
        return sb.ToString();
    }

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(ToString());
}
