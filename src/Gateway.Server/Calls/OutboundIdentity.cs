using Gateway.Dialplan;
using Gateway.Sip.Identity;
using Gateway.Sip.Messages;

namespace Gateway.Server.Calls;

/// <summary>
/// Who an INVITE toward a trunk says is calling (dialplan/README.md "Caller identity and 100rel"): the trunk's
/// caller identity keys under the route's, applied to the caller's number. From carries the trunk's from_user when
/// set (the account the carrier knows), else the caller; P-Asserted- or P-Preferred-Identity carries the caller;
/// privacy: id makes From anonymous and adds Privacy: id; user_phone marks telephone numbers.
/// </summary>
internal sealed record OutboundIdentity(string Caller, string FromUser, string Host, IdentityHeaderKind Header, bool Withhold, bool UserPhone)
{
    /// <summary>The identity of a call from <paramref name="caller"/> (already the route's or user's caller_id when set) on <paramref name="trunk"/>.</summary>
    public static OutboundIdentity For(TrunkDefinition trunk, CallerIdentity route, string caller, string domain)
    {
        var keys = route.Over(trunk.Identity);
        var user = TrunkAttempt.EscapeUser(caller);
        return new OutboundIdentity(user, keys.FromUser ?? user, keys.FromHost ?? domain, keys.Header ?? IdentityHeaderKind.None,
            keys.Withhold ?? false, keys.UserPhone ?? false);
    }

    /// <summary>The caller's own URI (in PAI/PPI and as the diverting party).</summary>
    public string CallerUri => IdentityHeaders.Uri(Caller, Host, UserPhone);

    /// <summary>From (with our tag), the identity header and Privacy onto a new INVITE.</summary>
    public void Apply(SipRequest invite, string fromTag)
    {
        var from = Withhold ? IdentityHeaders.AnonymousFrom : "<" + IdentityHeaders.Uri(FromUser, Host, UserPhone) + ">";
        invite.AddHeader(SipHeaderNames.From, from + ";tag=" + fromTag);
        switch (Header)
        {
            case IdentityHeaderKind.Asserted: invite.AddHeader(SipHeaderNames.PAssertedIdentity, "<" + CallerUri + ">"); break;
            case IdentityHeaderKind.Preferred: invite.AddHeader(SipHeaderNames.PPreferredIdentity, "<" + CallerUri + ">"); break;
        }
        if (Withhold) invite.AddHeader(SipHeaderNames.Privacy, IdentityHeaders.PrivacyId);
    }

    /// <summary>The Request-URI (and To) with user=phone when the trunk asks for it.</summary>
    public SipUri Target(SipUri requestUri) => UserPhone ? IdentityHeaders.WithUserPhone(requestUri) : requestUri;
}
