using Gateway.Sip.Messages;

namespace Gateway.Sip.Identity;

/// <summary>Who called, as the gateway shows it: the number or user, and a display name when one was given.</summary>
public sealed record PresentedCaller(string User, string? Display)
{
    public static PresentedCaller Anonymous { get; } = new("anonymous", "Anonymous");

    /// <summary>
    /// The caller of an INVITE (RFC 3325 §9.1): from P-Asserted-Identity when the sender is trusted to assert it (its
    /// first sip:/sips: or tel: URI), else from From. Privacy: id from a trusted sender withholds it (RFC 3323 §4.2):
    /// "anonymous". A From or PAI that does not parse falls back to what is left; never throws.
    /// </summary>
    public static PresentedCaller Of(SipRequest invite, bool trusted)
    {
        if (trusted)
        {
            if (WithholdsIdentity(invite)) return Anonymous;
            foreach (var value in invite.GetHeaders(SipHeaderNames.PAssertedIdentity))
            {
                var asserted = new List<NameAddress>();
                if (!NameAddress.TryParseList(value, asserted)) continue;
                foreach (var identity in asserted)
                    if (UserOf(identity.Uri) is { Length: > 0 } user)
                        return new PresentedCaller(user, identity.DisplayText ?? invite.From?.DisplayText);
            }
        }
        return invite.From is { } from ? new PresentedCaller(UserOf(from.Uri) ?? from.Uri.ToString(), from.DisplayText) : new PresentedCaller("", null);
    }

    /// <summary>Privacy = priv-value *(";" priv-value) (RFC 3323 §4.2) lists id (RFC 3325 §9.3).</summary>
    public static bool WithholdsIdentity(SipRequest request)
    {
        foreach (var value in request.GetHeaders(SipHeaderNames.Privacy))
            foreach (var item in value.Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (item.Equals(IdentityHeaders.PrivacyId, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static string? UserOf(SipUri uri) => uri.Scheme switch
    {
        "sip" or "sips" => uri.User,
        "tel" => uri.Host,
        _ => null,
    };
}
