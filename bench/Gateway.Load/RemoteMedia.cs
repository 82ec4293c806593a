using System.Globalization;
using System.Net;
using Gateway.Sdp;

namespace Gateway.Load;

/// <summary>What the tool needs from the gateway's SDP: where to send, ICE credentials, DTLS fingerprint and role, payload types.</summary>
public sealed record RemoteMedia(IPEndPoint Endpoint, string IceUfrag, string IcePwd, string FingerprintAlgorithm, string Fingerprint,
    string Setup, string? Mid, int PcmuPayloadType, int? TelephoneEventPayloadType, bool IceLite)
{
    /// <summary>Reads the first audio m-line; never throws, says what is missing.</summary>
    public static bool TryParse(string? sdpText, out RemoteMedia? remote, out string error)
    {
        remote = null;
        error = "";
        if (string.IsNullOrEmpty(sdpText)) { error = "no SDP"; return false; }
        if (!SessionDescription.TryParse(sdpText, out var sdp, out var parseError) || sdp is null)
        {
            error = "unparsable SDP: " + parseError;
            return false;
        }
        var audio = sdp.Media.FirstOrDefault(m => m.Media == "audio" && !m.IsRejected);
        if (audio is null) { error = "no accepted audio m-line"; return false; }
        var ufrag = sdp.AttributeFor(audio, "ice-ufrag");
        var pwd = sdp.AttributeFor(audio, "ice-pwd");
        var fingerprint = sdp.AttributeFor(audio, "fingerprint");
        if (string.IsNullOrEmpty(ufrag) || string.IsNullOrEmpty(pwd)) { error = "no ice-ufrag/ice-pwd"; return false; }
        var sp = fingerprint?.IndexOf(' ') ?? -1;
        if (fingerprint is null || sp <= 0) { error = "no a=fingerprint"; return false; }
        var pcmu = audio.RtpMaps.FirstOrDefault(m => m.Encoding.Equals("PCMU", StringComparison.OrdinalIgnoreCase) && m.ClockRate == 8000);
        if (pcmu is null) { error = "PCMU not accepted: " + audio.MediaLineValue; return false; }
        var te = audio.RtpMaps.FirstOrDefault(m => m.Encoding.Equals("telephone-event", StringComparison.OrdinalIgnoreCase) && m.ClockRate == 8000);
        if (!TryEndpoint(sdp, audio, out var endpoint)) { error = "no usable IPv4 UDP candidate or c= address"; return false; }
        remote = new RemoteMedia(endpoint!, ufrag, pwd, fingerprint[..sp].Trim().ToLowerInvariant(), fingerprint[(sp + 1)..].Trim(),
            sdp.AttributeFor(audio, "setup") ?? "actpass", audio.Mid, pcmu.PayloadType, te?.PayloadType, sdp.HasAttribute("ice-lite"));
        return true;
    }

    /// <summary>
    /// The first UDP component-1 IPv4 candidate (RFC 8839 §5.1: foundation component transport priority address port typ type),
    /// else the c= address and m= port.
    /// </summary>
    private static bool TryEndpoint(SessionDescription sdp, SdpMediaDescription audio, out IPEndPoint? endpoint)
    {
        endpoint = null;
        foreach (var candidate in audio.GetAttributes("candidate"))
        {
            var f = candidate.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 8 && f[1] == "1" && f[2].Equals("udp", StringComparison.OrdinalIgnoreCase) &&
                IPAddress.TryParse(f[4], out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork &&
                int.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536)
            {
                endpoint = new IPEndPoint(address, port);
                return true;
            }
        }
        if (sdp.ConnectionFor(audio) is { } c && IPAddress.TryParse(c.Address, out var ip) && !c.IsHoldAddress && audio.Port is > 0 and < 65536)
        {
            endpoint = new IPEndPoint(ip, audio.Port);
            return true;
        }
        return false;
    }
}
