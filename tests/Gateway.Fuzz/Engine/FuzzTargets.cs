using System.Text;
using Gateway.Fuzz.Targets;

namespace Gateway.Fuzz.Engine;

/// <summary>The targets scripts/fuzz.sh runs, in the order it runs them.</summary>
public static class FuzzTargets
{
    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    private static IReadOnlyList<byte[]> Tokens(string[] tokens) => [.. tokens.Select(Encoding.UTF8.GetBytes)];

    // RFC 3261 §25.1 grammar pieces, compact forms (§7.3.3) and the headers the stack types.
    private static readonly string[] SipTokens =
    [
        "\r\n", "\r\n\r\n", " ", "\t", ":", ";", ",", "=", "\"", "\\", "<", ">", "@", "[", "]", "%", "*", "/",
        "SIP/2.0", "SIP/2.0/UDP ", "SIP/2.0/TCP ", "INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "PRACK",
        "Via: ", "v: ", "From: ", "f: ", "To: ", "t: ", "Call-ID: ", "i: ", "CSeq: ", "Contact: ", "m: ", "Contact: *",
        "Content-Length: ", "l: ", "Content-Type: ", "c: ", "Max-Forwards: ", "Expires: ", "Route: ", "Record-Route: ",
        "Session-Expires: ", "WWW-Authenticate: ", "Authorization: ", "Proxy-Authenticate: ", "Digest ", "realm=",
        "nonce=", "algorithm=MD5", "qop=\"auth\"", ";branch=z9hG4bK", ";tag=", ";lr", ";received=", ";rport", ";maddr=",
        ";transport=tcp", ";refresher=uac", "sip:", "sips:", "tel:", "[::1]", "192.0.2.1", ":5060", "4294967296", "0", "-1",
    ];

    // RFC 8866 §5 lines and the attributes of RFC 8829 / 8839 / 8842 / 5763 the translators read.
    private static readonly string[] SdpTokens =
    [
        "\r\n", "\n", " ", "/", ":", "v=0\r\n", "o=- 1 1 IN IP4 127.0.0.1\r\n", "s=-\r\n", "t=0 0\r\n", "c=IN IP4 ",
        "c=IN IP6 ", "c=IN IP4 0.0.0.0\r\n", "m=audio ", "m=video ", "m=application ", "a=rtpmap:", "a=fmtp:",
        "a=ice-ufrag:", "a=ice-pwd:", "a=ice-lite", "a=fingerprint:sha-256 ", "a=setup:actpass", "a=setup:passive",
        "a=mid:", "a=group:BUNDLE ", "a=sendonly", "a=recvonly", "a=inactive", "a=sendrecv", "a=rtcp-mux", "a=ptime:",
        "UDP/TLS/RTP/SAVPF", "RTP/AVP", "RTP/SAVP", "opus/48000/2", "PCMU/8000", "PCMA/8000", "G722/8000",
        "telephone-event/8000", "0-15", "111", "101", "65536", "-1",
    ];

    // protocol.md message types and fields, and JSON (RFC 8259) punctuation and escapes.
    private static readonly string[] SignalingTokens =
    [
        "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u0000", "\\uD800", "\\uDC00", "null", "true", "false", "1e400", "-0",
        "\"type\"", "\"id\"", "\"to\"", "\"sdp\"", "\"user\"", "\"room\"", "\"data\"", "\"candidate\"", "\"sdpMid\"",
        "\"sdpMLineIndex\"", "\"code\"", "\"digits\"", "\"duration\"", "\"call\"", "\"answer\"", "\"reject\"",
        "\"dtmf\"", "\"hold\"", "\"unhold\"", "\"transfer\"", "\"hangup\"", "\"ringing\"", "\"register\"", "\"join\"",
        "\"leave\"", "\"signal\"", "\"ping\"", "\"+14155550100\"", "\"sip:bob@example.com\"",
    ];

    // Declared after the token tables: static fields initialize in text order.
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new(SipMessageTarget.Name, SipMessageTarget.Run, 16 * 1024, Tokens(SipTokens)),
        new(SipStreamTarget.Name, SipStreamTarget.Run, 16 * 1024, Tokens(SipTokens)),
        new(SdpTarget.Name, SdpTarget.Run, 16 * 1024, Tokens(SdpTokens)),
        new(StunTarget.Name, StunTarget.Run, 1500, []),
        new(RtpTarget.Name, RtpTarget.Run, 1500, []),
        new(RtcpTarget.Name, RtcpTarget.Run, 1500, []),
        new(SrtpTarget.Name, SrtpTarget.Run, 1500, []),
        new(SignalingTarget.Name, SignalingTarget.Run, 8 * 1024, [.. Tokens(SignalingTokens), [0xFF]]), // 0xFF separates messages
    ];
}
