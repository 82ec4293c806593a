namespace Gateway.Sdp.Tests.Translation;

/// <summary>Composable assertions over produced SDPs; each re-parses the text so the output is checked as a peer sees it.</summary>
public static class SdpAssert
{
    public static SessionDescription Reparsed(SessionDescription sdp)
    {
        Assert.True(SessionDescription.TryParse(sdp.ToString(), out var again, out var error), $"produced SDP does not parse: {error}\n{sdp}");
        return again!;
    }

    public static void Codecs(SdpMediaDescription media, params string[] expected) =>
        Assert.Equal(expected, media.RtpMaps.Select(m => $"{m.PayloadType} {m.Encoding}/{m.ClockRate}"));

    public static void NoWebRtcAttributes(SdpMediaDescription media)
    {
        foreach (var name in new[] { "ice-ufrag", "ice-pwd", "fingerprint", "setup", "candidate", "rtcp-mux", "mid", "ssrc", "msid", "extmap" })
            Assert.False(media.HasAttribute(name), $"unexpected a={name} toward SIP");
    }

    public static void Attribute(SdpMediaDescription media, string name, string? value)
    {
        Assert.True(media.HasAttribute(name), $"missing a={name}");
        Assert.Equal(value ?? "", media.GetAttribute(name));
    }
}
