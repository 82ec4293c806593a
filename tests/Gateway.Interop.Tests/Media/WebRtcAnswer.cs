using System.Text;
using Gateway.Media.Bridge;
using Gateway.Media.Ice;

namespace Gateway.Interop.Tests.Media;

/// <summary>
/// Just enough SDP for the test, by hand: reads the browser's ICE credentials, fingerprint and mid from its offer and
/// writes the gateway's answer (RFC 8829 JSEP; RFC 8445 a=ice-lite; RFC 5763 a=setup:passive; RFC 5761 rtcp-mux; PCMU only).
/// </summary>
internal static class WebRtcAnswer
{
    public sealed record Offer(IceCredentials Ice, string FingerprintAlgorithm, string Fingerprint, string Mid);

    public static Offer Parse(string sdp)
    {
        string? ufrag = null, pwd = null, fpAlg = null, fp = null, mid = null;
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("a=ice-ufrag:", StringComparison.Ordinal)) ufrag ??= line["a=ice-ufrag:".Length..];
            else if (line.StartsWith("a=ice-pwd:", StringComparison.Ordinal)) pwd ??= line["a=ice-pwd:".Length..];
            else if (line.StartsWith("a=mid:", StringComparison.Ordinal)) mid ??= line["a=mid:".Length..];
            else if (line.StartsWith("a=fingerprint:", StringComparison.Ordinal) && fp is null)
            {
                var parts = line["a=fingerprint:".Length..].Split(' ', 2);
                if (parts.Length == 2) (fpAlg, fp) = (parts[0], parts[1]);
            }
        }
        if (ufrag is null || pwd is null || fp is null || fpAlg is null || mid is null)
            throw new FormatException("offer lacks ice-ufrag, ice-pwd, fingerprint or mid");
        return new Offer(new IceCredentials(ufrag, pwd), fpAlg, fp, mid);
    }

    public static string Build(Offer offer, MediaSession session)
    {
        var ep = session.WebEndPoint;
        var ip = ep.Address.ToString();
        var sdp = new StringBuilder()
            .Append("v=0\r\n")
            .Append($"o=- {Random.Shared.NextInt64(1, long.MaxValue)} 2 IN IP4 {ip}\r\n")
            .Append("s=-\r\n")
            .Append("t=0 0\r\n")
            .Append("a=ice-lite\r\n")
            .Append($"a=group:BUNDLE {offer.Mid}\r\n")
            .Append($"m=audio {ep.Port} UDP/TLS/RTP/SAVPF 0\r\n")
            .Append($"c=IN IP4 {ip}\r\n")
            .Append($"a=mid:{offer.Mid}\r\n")
            .Append($"a=ice-ufrag:{session.LocalIce.Ufrag}\r\n")
            .Append($"a=ice-pwd:{session.LocalIce.Password}\r\n")
            .Append($"a=fingerprint:{session.FingerprintAlgorithm} {session.Fingerprint}\r\n")
            .Append("a=setup:passive\r\n")
            .Append("a=sendrecv\r\n")
            .Append("a=rtcp-mux\r\n")
            .Append("a=rtpmap:0 PCMU/8000\r\n")
            .Append($"a=candidate:1 1 udp 2130706431 {ip} {ep.Port} typ host\r\n")
            .Append("a=end-of-candidates\r\n");
        return sdp.ToString();
    }
}
