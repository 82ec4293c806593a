using Gateway.Sip.Messages;

namespace Gateway.Sip.Identity;

/// <summary>
/// The caller identity header values a UAC writes: P-Asserted-Identity / P-Preferred-Identity (RFC 3325 §9), the
/// anonymous From of a withheld caller (RFC 3323 §4.1.1.3) with Privacy: id (RFC 3325 §9.3), user=phone for a
/// telephone number (RFC 3261 §19.1.1), and the transferor in Diversion (RFC 5806 §4) or History-Info (RFC 7044 §4).
/// </summary>
public static class IdentityHeaders
{
    /// <summary>RFC 3323 §4.1.1.3: the From of a caller who withholds its identity.</summary>
    public const string AnonymousFrom = "\"Anonymous\" <sip:anonymous@anonymous.invalid>";

    /// <summary>Privacy: id (RFC 3325 §9.3): the network-asserted identity must not leave the trust domain.</summary>
    public const string PrivacyId = "id";

    /// <summary>RFC 3966 §3 global or local number as a SIP user: an optional '+' and 1*DIGIT (visual separators are not kept).</summary>
    public static bool IsTelephoneNumber(ReadOnlySpan<char> user)
    {
        if (user.StartsWith("+")) user = user[1..];
        if (user.IsEmpty) return false;
        foreach (var c in user)
            if (!char.IsAsciiDigit(c)) return false;
        return true;
    }

    /// <summary>
    /// sip:user@host, with ;user=phone when <paramref name="userPhone"/> asks and the user is a telephone number
    /// (RFC 3261 §19.1.1). <paramref name="user"/> is already escaped.
    /// </summary>
    public static string Uri(string user, string host, bool userPhone) =>
        "sip:" + user + "@" + host + (userPhone && IsTelephoneNumber(user) ? ";user=phone" : "");

    /// <summary>A Request-URI with ;user=phone added when its user is a telephone number and it has none yet.</summary>
    public static SipUri WithUserPhone(SipUri uri)
    {
        if (!uri.IsSip || uri.User is not { } user || !IsTelephoneNumber(user) || uri.HasParameter("user")) return uri;
        var text = uri.ToString();
        var headers = text.IndexOf('?');
        var withParameter = headers < 0 ? text + ";user=phone" : text[..headers] + ";user=phone" + text[headers..];
        return SipUri.TryParse(withParameter, out var result) ? result! : uri;
    }

    /// <summary>Diversion (RFC 5806 §4): the party that sent the call on, why, and how many times (counter).</summary>
    public static string Diversion(string divertingUri, string reason = "unconditional", int counter = 1) =>
        "<" + divertingUri + ">;reason=" + reason + ";counter=" + counter;

    /// <summary>
    /// History-Info (RFC 7044 §4): the original target at index 1, then the new target at index 1.1 marked mp=1 (the
    /// request was retargeted by mapping, as a transfer does, §4.2.2).
    /// </summary>
    public static string HistoryInfo(string originalUri, string newTargetUri) =>
        "<" + originalUri + ">;index=1,<" + newTargetUri + ">;index=1.1;mp=1";
}
