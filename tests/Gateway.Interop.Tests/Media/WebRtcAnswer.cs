using System.Text;
using Gateway.Media.Bridge;
using Gateway.Media.Ice;

namespace Gateway.Interop.Tests.Media;

/// <summary>
/// Just enough SDP for the test, by hand: reads the browser's ICE credentials, fingerprint, mid and PCMU payload type from its
/// offer and writes the gateway's answer (RFC 8829 JSEP; RFC 8445 a=ice-lite; RFC 5763 a=setup:passive; RFC 5761 rtcp-mux;
/// PCMU only). Chromium and Firefox offers differ in layout: Firefox puts the fingerprint at session level and ufrag/pwd
/// after the candidates, adds a=ice-options:trickle, a=end-of-candidates, a=rtcp and component-2 candidates, and offers
/// opus/G722/PCMU/PCMA/telephone-event; attributes are therefore looked up at either level and candidates ignored
/// (the gateway is ICE-lite: it learns the browser's address from its checks, RFC 8445 §2.5).
/// </summary>
internal static class WebRtcAnswer
{
    public sealed record Offer(IceCredentials Ice, string FingerprintAlgorithm, string Fingerprint, string Mid, int PcmuPayloadType, bool Bundled);

    public static Offer Parse(string sdp)
    {
        string? ufrag = null, pwd = null, fpAlg = null, fp = null, mid = null, setup = null;
        int? pcmu = null;
        bool bundled = false, audio = false;
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                if (audio) break; // the first audio m-section is the one answered; the rest is not needed here
                audio = line.StartsWith("m=audio ", StringComparison.Ordinal);
            }
            else if (line.StartsWith("a=ice-ufrag:", StringComparison.Ordinal)) ufrag ??= line["a=ice-ufrag:".Length..];
            else if (line.StartsWith("a=ice-pwd:", StringComparison.Ordinal)) pwd ??= line["a=ice-pwd:".Length..];
            else if (line.StartsWith("a=mid:", StringComparison.Ordinal) && audio) mid ??= line["a=mid:".Length..];
            else if (line.StartsWith("a=setup:", StringComparison.Ordinal)) setup ??= line["a=setup:".Length..];
            else if (line.StartsWith("a=group:BUNDLE ", StringComparison.Ordinal)) bundled = true;
            else if (line.StartsWith("a=rtpmap:", StringComparison.Ordinal) && audio && pcmu is null)
            {
                var parts = line["a=rtpmap:".Length..].Split(' ', 2);
                if (parts.Length == 2 && parts[1].StartsWith("PCMU/8000", StringComparison.OrdinalIgnoreCase) && int.TryParse(parts[0], out int pt))
                    pcmu = pt;
            }
            else if (line.StartsWith("a=fingerprint:", StringComparison.Ordinal))
            {
                // RFC 8122 §5: several fingerprints may be offered; sha-256 is the one every browser sends.
                var parts = line["a=fingerprint:".Length..].Split(' ', 2);
                if (parts.Length == 2 && (fp is null || (parts[0].Equals("sha-256", StringComparison.OrdinalIgnoreCase) && fpAlg != "sha-256")))
                    (fpAlg, fp) = (parts[0].ToLowerInvariant(), parts[1]);
            }
        }
        if (ufrag is null || pwd is null || fp is null || fpAlg is null || mid is null)
            throw new FormatException("offer lacks an audio m-section with ice-ufrag, ice-pwd, fingerprint or mid");
        if (pcmu is null) throw new FormatException("offer has no PCMU/8000");
        if (setup is not (null or "actpass" or "active"))
            throw new FormatException($"offer has a=setup:{setup}; the gateway answers passive, so it must be actpass or active");
        return new Offer(new IceCredentials(ufrag, pwd), fpAlg, fp, mid, pcmu.Value, bundled);
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
            .Append(offer.Bundled ? $"a=group:BUNDLE {offer.Mid}\r\n" : "") // JSEP §5.3.1: only if offered
            .Append($"m=audio {ep.Port} UDP/TLS/RTP/SAVPF {offer.PcmuPayloadType}\r\n")
            .Append($"c=IN IP4 {ip}\r\n")
            .Append($"a=mid:{offer.Mid}\r\n")
            .Append($"a=ice-ufrag:{session.LocalIce.Ufrag}\r\n")
            .Append($"a=ice-pwd:{session.LocalIce.Password}\r\n")
            .Append($"a=fingerprint:{session.FingerprintAlgorithm} {session.Fingerprint}\r\n")
            .Append("a=setup:passive\r\n")
            .Append("a=sendrecv\r\n")
            .Append("a=rtcp-mux\r\n")
            .Append($"a=rtpmap:{offer.PcmuPayloadType} PCMU/8000\r\n")
            .Append($"a=candidate:1 1 udp 2130706431 {ip} {ep.Port} typ host\r\n")
            .Append("a=end-of-candidates\r\n");
        return sdp.ToString();
    }
}
