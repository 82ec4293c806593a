using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Load;

/// <summary>The tool's local ICE/DTLS identity for one call, written into its SDP.</summary>
public sealed record LocalMedia(int Port, string IceUfrag, string IcePwd, string FingerprintAlgorithm, string Fingerprint, uint Ssrc)
{
    private const string IceChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";

    /// <summary>Random ICE credentials (RFC 8839 §5.4: ufrag 4+ and pwd 22+ ice-chars) and SSRC.</summary>
    public static LocalMedia Create(int port, string fingerprintAlgorithm, string fingerprint) => new(port,
        RandomNumberGenerator.GetString(IceChars, 8), RandomNumberGenerator.GetString(IceChars, 24),
        fingerprintAlgorithm, fingerprint, BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)));
}

/// <summary>
/// Minimal Chrome-like JSEP descriptions (RFC 8829 §5.2.1, §5.3.1): one audio m-line, BUNDLE of mid 0, rtcp-mux,
/// PCMU 0 + telephone-event, one host candidate on 127.0.0.1.
/// </summary>
public static class JsepBuilder
{
    public static string Offer(LocalMedia local) =>
        Build(local, mid: "0", pcmu: 0, telephoneEvent: 101, setup: "actpass", withTrickleOption: true);

    /// <summary>The answer to the gateway's offer (inbound calls): its mid and payload types, a=setup active unless the offer is active.</summary>
    public static string Answer(LocalMedia local, RemoteMedia offer) =>
        Build(local, offer.Mid ?? "0", offer.PcmuPayloadType, offer.TelephoneEventPayloadType,
            offer.Setup == "active" ? "passive" : "active", withTrickleOption: false);

    private static string Build(LocalMedia local, string mid, int pcmu, int? telephoneEvent, string setup, bool withTrickleOption)
    {
        var sessionId = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;
        var formats = telephoneEvent is { } te ? $"{pcmu} {te}" : pcmu.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder(1024);
        void Line(string l) => sb.Append(l).Append("\r\n");
        Line("v=0");
        Line($"o=- {sessionId} 2 IN IP4 127.0.0.1");
        Line("s=-");
        Line("t=0 0");
        Line($"a=group:BUNDLE {mid}");
        Line("a=msid-semantic: WMS load");
        Line($"m=audio {local.Port} UDP/TLS/RTP/SAVPF {formats}");
        Line("c=IN IP4 127.0.0.1");
        Line("a=rtcp:9 IN IP4 0.0.0.0");
        // RFC 8445 §5.1.2.1 priority: host type preference 126, local preference 65535, component 1.
        Line($"a=candidate:1 1 udp 2130706431 127.0.0.1 {local.Port} typ host generation 0");
        Line($"a=ice-ufrag:{local.IceUfrag}");
        Line($"a=ice-pwd:{local.IcePwd}");
        if (withTrickleOption) Line("a=ice-options:trickle");
        Line($"a=fingerprint:{local.FingerprintAlgorithm} {local.Fingerprint}");
        Line($"a=setup:{setup}");
        Line($"a=mid:{mid}");
        Line("a=sendrecv");
        Line("a=msid:load audio0");
        Line("a=rtcp-mux");
        Line($"a=rtpmap:{pcmu} PCMU/8000");
        if (telephoneEvent is { } t) Line($"a=rtpmap:{t} telephone-event/8000");
        Line($"a=ssrc:{local.Ssrc} cname:load");
        return sb.ToString();
    }
}
