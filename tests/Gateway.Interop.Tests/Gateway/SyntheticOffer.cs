using System.Security.Cryptography;

namespace Gateway.Interop.Tests.Gateway;

/// <summary>
/// A JSEP offer shaped like Chrome's (audio only, BUNDLE, rtcp-mux, DTLS actpass, one host candidate) for protocol-level
/// clients that never complete ICE/DTLS: the gateway must still answer, and release everything at hangup.
/// </summary>
public static class SyntheticOffer
{
    public static string Create(int candidatePort = 9)
    {
        var fingerprint = string.Join(":", RandomNumberGenerator.GetBytes(32).Select(b => b.ToString("X2")));
        var ufrag = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var pwd = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var session = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var lines = new[]
        {
            "v=0",
            $"o=- {session} 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0",
            "a=extmap-allow-mixed",
            "a=msid-semantic: WMS stream",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 101",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
            $"a=candidate:1 1 udp 2122260223 127.0.0.1 {candidatePort} typ host generation 0",
            $"a=ice-ufrag:{ufrag}",
            $"a=ice-pwd:{pwd}",
            "a=ice-options:trickle",
            $"a=fingerprint:sha-256 {fingerprint}",
            "a=setup:actpass",
            "a=mid:0",
            "a=sendrecv",
            "a=msid:stream track",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=rtcp-fb:111 transport-cc",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=ssrc:1001 cname:e2e",
        };
        return string.Join("\r\n", lines) + "\r\n";
    }
}
