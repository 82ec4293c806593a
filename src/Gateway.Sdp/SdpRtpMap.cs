namespace Gateway.Sdp;

/// <summary>a=rtpmap:&lt;payload type&gt; &lt;encoding name&gt;/&lt;clock rate&gt;[/&lt;channels&gt;] (RFC 8866 §6.6).</summary>
public sealed record SdpRtpMap(int PayloadType, string Encoding, int ClockRate, int Channels = 1)
{
    public override string ToString() => $"{PayloadType} {Encoding}/{ClockRate}" + (Channels != 1 ? "/" + Channels : "");

    /// <summary>Same codec on both legs regardless of payload type: name (case-insensitive), clock and channels.</summary>
    public bool SameCodec(SdpRtpMap other) =>
        Encoding.Equals(other.Encoding, StringComparison.OrdinalIgnoreCase) && ClockRate == other.ClockRate && Channels == other.Channels;

    public static bool TryParse(string value, out SdpRtpMap? map)
    {
        map = null;
        var sp = value.IndexOf(' ');
        if (sp <= 0 || !int.TryParse(value.AsSpan(0, sp), out var pt) || pt is < 0 or > 127) return false;
        var parts = value[(sp + 1)..].Trim().Split('/');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || !int.TryParse(parts[1], out var clock) || clock <= 0) return false;
        var channels = 1;
        if (parts.Length == 3 && (!int.TryParse(parts[2], out channels) || channels <= 0)) return false;
        map = new SdpRtpMap(pt, parts[0], clock, channels);
        return true;
    }

    /// <summary>The static payload types of RFC 3551 table 4 that offers use without rtpmap.</summary>
    public static SdpRtpMap? Static(int payloadType) => payloadType switch
    {
        0 => new SdpRtpMap(0, "PCMU", 8000),
        8 => new SdpRtpMap(8, "PCMA", 8000),
        9 => new SdpRtpMap(9, "G722", 8000),
        18 => new SdpRtpMap(18, "G729", 8000),
        13 => new SdpRtpMap(13, "CN", 8000),
        _ => null,
    };
}
