namespace Gateway.Sdp.Translation;

/// <summary>
/// What a browser's offer must carry before the gateway allocates media for it: a usable DTLS fingerprint, ICE
/// credentials and a DTLS role for the audio stream it will bridge. Never throws.
/// <code>
/// fingerprint-attribute = "fingerprint" ":" hash-func SP fingerprint      ; RFC 8122 §5
/// fingerprint           = 2UHEX *(":" 2UHEX)
/// ice-ufrag-att = "ice-ufrag:" ufrag ; ufrag = 4*256ice-char               ; RFC 8839 §5.4
/// ice-pwd-att   = "ice-pwd:" password ; password = 22*256ice-char
/// ice-char      = ALPHA / DIGIT / "+" / "/"
/// setup-attr    = "a=setup:" role ; role = "active" / "passive" / "actpass" / "holdconn"   ; RFC 4145 §4
/// </code>
/// </summary>
public static class WebRtcOfferCheck
{
    private static readonly string[] SecureProtocols = ["UDP/TLS/RTP/SAVPF", "UDP/TLS/RTP/SAVP", "RTP/SAVPF"];

    /// <summary>Hash functions of RFC 8122 §5 (IANA "Hash Function Textual Names") at least as strong as SHA-256, with their digest length.</summary>
    private static readonly Dictionary<string, int> StrongHashes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sha-256"] = 32, ["sha-384"] = 48, ["sha-512"] = 64,
    };

    private static readonly string[] WeakHashes = ["md2", "md5", "sha-1", "sha-224"];

    /// <summary>Null when the offer's audio stream can be answered; else the first problem found.</summary>
    public static WebRtcOfferError? Check(SessionDescription offer)
    {
        var audio = offer.Media.FirstOrDefault(m => m.Media == "audio" && !m.IsRejected && SecureProtocols.Contains(m.Protocol));
        if (audio is null)
            return new(WebRtcOfferErrorKind.NoSecureAudio, "the offer has no audio stream over UDP/TLS/RTP/SAVPF");
        if (CheckFingerprints(offer, audio) is { } fingerprint) return fingerprint;
        var ufrag = offer.AttributeFor(audio, "ice-ufrag");
        if (ufrag is null || !IsIceChars(ufrag, 4, 256))
            return new(WebRtcOfferErrorKind.BadIceUfrag, ufrag is null ? "the offer has no a=ice-ufrag" : "a=ice-ufrag must be 4 to 256 of A-Z a-z 0-9 + /");
        var pwd = offer.AttributeFor(audio, "ice-pwd");
        if (pwd is null || !IsIceChars(pwd, 22, 256))
            return new(WebRtcOfferErrorKind.BadIcePwd, pwd is null ? "the offer has no a=ice-pwd" : "a=ice-pwd must be 22 to 256 of A-Z a-z 0-9 + /");
        var setup = offer.AttributeFor(audio, "setup");
        if (setup is not ("actpass" or "active" or "passive"))
            return new(WebRtcOfferErrorKind.BadSetup, setup is null ? "the offer has no a=setup" : $"a=setup:{Clip(setup)} is not actpass, active or passive");
        return null;
    }

    /// <summary>At least one well-formed fingerprint with a strong hash (media-level ones replace session-level ones).</summary>
    private static WebRtcOfferError? CheckFingerprints(SessionDescription offer, SdpMediaDescription audio)
    {
        var values = audio.GetAttribute("fingerprint") is not null ? audio.GetAttributes("fingerprint").ToList() : offer.GetAttributes("fingerprint").ToList();
        if (values.Count == 0) return new(WebRtcOfferErrorKind.MissingFingerprint, "the offer has no a=fingerprint: DTLS-SRTP needs the peer's certificate fingerprint");
        WebRtcOfferError? first = null;
        foreach (var value in values)
        {
            var space = value.IndexOf(' ');
            var hash = space < 0 ? value : value[..space];
            var digest = space < 0 ? "" : value[(space + 1)..].Trim();
            if (StrongHashes.TryGetValue(hash, out var length))
            {
                if (IsHexPairs(digest, length)) return null;
                first ??= new(WebRtcOfferErrorKind.MalformedFingerprint, $"a=fingerprint:{Clip(hash)} is not {length} colon-separated hex pairs");
            }
            else if (WeakHashes.Contains(hash, StringComparer.OrdinalIgnoreCase))
                first ??= new(WebRtcOfferErrorKind.WeakFingerprint, $"a=fingerprint uses {Clip(hash)}: sha-256 or stronger is required");
            else
                first ??= new(WebRtcOfferErrorKind.MalformedFingerprint, $"a=fingerprint hash function '{Clip(hash)}' is unknown: use sha-256");
        }
        return first;
    }

    private static bool IsHexPairs(string s, int count)
    {
        if (s.Length != count * 3 - 1) return false;
        for (var i = 0; i < s.Length; i++)
        {
            var ok = i % 3 == 2 ? s[i] == ':' : char.IsAsciiHexDigit(s[i]);
            if (!ok) return false;
        }
        return true;
    }

    private static bool IsIceChars(string s, int min, int max) =>
        s.Length >= min && s.Length <= max && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/');

    private static string Clip(string s) => s.Length <= 32 ? s : s[..32] + "...";
}
