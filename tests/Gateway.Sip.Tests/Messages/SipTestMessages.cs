using System.Text;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Tests.Messages;

/// <summary>Typical messages: an INVITE with SDP as a softphone sends it, and its 200 OK.</summary>
public static class SipTestMessages
{
    public const string InviteText =
        "INVITE sip:+14155550100@trunk.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:+14155550100@trunk.example.com>\r\n" +
        "From: \"Alice\" <sip:alice@gateway.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.gateway.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@192.0.2.10:5060;transport=udp>\r\n" +
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, UPDATE\r\n" +
        "Supported: replaces, timer\r\n" +
        "User-Agent: Gateway/1.0\r\n" +
        "Content-Type: application/sdp\r\n" +
        "Content-Length: 280\r\n" +
        "\r\n";

    public const string Sdp =
        "v=0\r\n" +
        "o=- 4858461357 4858461357 IN IP4 192.0.2.10\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.0.2.10\r\n" +
        "t=0 0\r\n" +
        "m=audio 40000 RTP/AVP 0 8 9 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-16\r\n" +
        "a=ptime:20\r\n" +
        "a=sendrecv\r\n" +
        "a=rtcp:40001\r\n";

    public static byte[] InviteBytes { get; } = Encoding.ASCII.GetBytes(InviteText.Replace("280", Sdp.Length.ToString()) + Sdp);

    public static byte[] OkBytes { get; } = Encoding.ASCII.GetBytes(
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10\r\n" +
        "To: <sip:+14155550100@trunk.example.com>;tag=a6c85cf\r\n" +
        "From: \"Alice\" <sip:alice@gateway.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.gateway.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:+14155550100@198.51.100.4:5060>\r\n" +
        "Content-Length: 0\r\n\r\n");

    public static SipRequest Invite() =>
        SipMessage.TryParse(InviteBytes, out var m, out var e) ? (SipRequest)m! : throw new InvalidOperationException(e!.ToString());
}
