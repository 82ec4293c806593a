namespace Gateway.Sdp;

/// <summary>
/// One media description: m=&lt;media&gt; &lt;port&gt;[/&lt;number of ports&gt;] &lt;proto&gt; &lt;fmt&gt; ... (RFC 8866 §5.14)
/// followed by its i=, c=, b=, k= and a= lines, kept in order and exactly as received.
/// </summary>
public sealed class SdpMediaDescription
{
    public SdpMediaDescription(string media, int port, string protocol, IEnumerable<string> formats, int? numberOfPorts = null)
    {
        Media = media;
        Port = port;
        Protocol = protocol;
        Formats = formats.ToList();
        NumberOfPorts = numberOfPorts;
    }

    public string Media { get; set; }
    /// <summary>Port 0 rejects or disables the stream (RFC 3264 §5.1, §6).</summary>
    public int Port { get; set; }
    public int? NumberOfPorts { get; set; }
    public string Protocol { get; set; }
    public List<string> Formats { get; }
    public List<SdpLine> Lines { get; } = [];
    /// <summary>The m= value: &lt;media&gt; &lt;port&gt;[/&lt;number of ports&gt;] &lt;proto&gt; &lt;fmt&gt; ...</summary>
    public string MediaLineValue
    {
        get
        {
            var port = NumberOfPorts is { } n ? Port + "/" + n : Port.ToString();
            return Media + " " + port + " " + Protocol + (Formats.Count > 0 ? " " + string.Join(' ', Formats) : "");
        }
    }

    public bool IsRejected => Port == 0;

    public SdpConnection? Connection => Lines.FirstOrDefault(l => l.Type == 'c') is { } c && SdpConnection.TryParse(c.Value, out var conn) ? conn : null;

    public string? GetAttribute(string name) => Lines.FirstOrDefault(l => l.IsAttribute(name)) is { } l ? l.AttributeValue ?? "" : null;
    public IEnumerable<string> GetAttributes(string name) => Lines.Where(l => l.IsAttribute(name)).Select(l => l.AttributeValue ?? "");
    public bool HasAttribute(string name) => Lines.Any(l => l.IsAttribute(name));

    public string? Mid => GetAttribute("mid");

    /// <summary>The direction attribute of this description, if any (the session's applies otherwise, RFC 8866 §6.7).</summary>
    public SdpDirection? Direction => Lines.Where(l => l.Type == 'a').Select(l => SdpDirections.FromAttribute(l.Value)).FirstOrDefault(d => d is not null);

    /// <summary>rtpmap for every format, with RFC 3551 static types where no rtpmap is given; in m= order.</summary>
    public IReadOnlyList<SdpRtpMap> RtpMaps
    {
        get
        {
            var declared = new Dictionary<int, SdpRtpMap>();
            foreach (var line in Lines)
                if (line.Type == 'a' && line.Value.StartsWith("rtpmap:", StringComparison.Ordinal) && SdpRtpMap.TryParse(line.Value[7..], out var m))
                    declared.TryAdd(m!.PayloadType, m);
            var maps = new List<SdpRtpMap>(Formats.Count);
            foreach (var format in Formats)
            {
                if (!int.TryParse(format, out var pt)) continue;
                if ((declared.GetValueOrDefault(pt) ?? SdpRtpMap.Static(pt)) is { } map) maps.Add(map);
            }
            return maps;
        }
    }

    public string? Fmtp(int payloadType) =>
        GetAttributes("fmtp").FirstOrDefault(v => v.StartsWith(payloadType + " ", StringComparison.Ordinal)) is { } f ? f[(f.IndexOf(' ') + 1)..] : null;

    public void AddAttribute(string name, string? value = null) => Lines.Add(SdpLine.Attribute(name, value));
}
