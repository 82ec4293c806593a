using System.Security.Cryptography;

namespace Gateway.Sdp.Translation;

/// <summary>Small helpers for the descriptions the gateway writes itself (RFC 8866 §5).</summary>
internal static class SdpBuilder
{
    /// <summary>v=0, o=, s=-, t=0 0 (and c= when given) for a new description with a random session id (§5.2).</summary>
    public static SessionDescription NewSession(string address, bool withConnection)
    {
        var sdp = new SessionDescription();
        var id = (RandomNumberGenerator.GetInt32(1, int.MaxValue) * 1000L + RandomNumberGenerator.GetInt32(1000)).ToString();
        var connection = SdpConnection.ForAddress(address);
        sdp.Lines.Add(new SdpLine('v', "0"));
        sdp.Lines.Add(new SdpLine('o', $"gateway {id} 1 IN {connection.AddressType} {address}"));
        sdp.Lines.Add(new SdpLine('s', "-"));
        if (withConnection) sdp.Lines.Add(new SdpLine('c', connection.ToString()));
        sdp.Lines.Add(new SdpLine('t', "0 0"));
        return sdp;
    }

    public static void AddRtpMap(SdpMediaDescription media, SdpRtpMap map)
    {
        media.AddAttribute("rtpmap", map.ToString());
        if (map.Encoding.Equals("telephone-event", StringComparison.OrdinalIgnoreCase)) media.AddAttribute("fmtp", map.PayloadType + " 0-16");
    }

    public static bool IsTelephoneEvent(SdpRtpMap map) => map.Encoding.Equals("telephone-event", StringComparison.OrdinalIgnoreCase);
}
