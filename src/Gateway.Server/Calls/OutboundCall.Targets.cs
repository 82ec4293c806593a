using System.Net;
using Gateway.Dialplan;
using Gateway.Sdp;
using Gateway.Sdp.Translation;
using Gateway.Sip.Dialogs;
using Gateway.Sip.Messages;
using Gateway.Sip.Transport;

namespace Gateway.Server.Calls;

/// <summary>Where an outbound call's requests go and what it offers there.</summary>
internal sealed partial class OutboundCall
{
    private static readonly Dictionary<string, SdpRtpMap> KnownCodecs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PCMU"] = new(0, "PCMU", 8000),
        ["PCMA"] = new(8, "PCMA", 8000),
        ["G722"] = new(9, "G722", 8000),
    };

    /// <summary>The trunk's codecs (dialplan names) as the SDP policy; opus allows Opus; DTMF by INFO offers no telephone-event.</summary>
    internal static SdpTranslationPolicy PolicyFor(TrunkDefinition trunk, WebCodecMode? routeWebCodec = null)
    {
        var webCodec = (routeWebCodec ?? trunk.WebCodec) == WebCodecMode.Opus ? WebCodecPolicy.Opus : WebCodecPolicy.Passthrough;
        var policy = SdpTranslationPolicy.Default with { Srtp = SipHosting.TrunkSrtp.ModeOf(trunk), WebCodec = webCodec };
        if (trunk.Codecs.Count > 0)
        {
            var codecs = trunk.Codecs.Select(c => KnownCodecs.GetValueOrDefault(c)).OfType<SdpRtpMap>().ToList();
            policy = policy with
            {
                SipCodecs = codecs.Count > 0 ? codecs : policy.SipCodecs,
                AllowOpus = trunk.Codecs.Any(c => c.Equals("opus", StringComparison.OrdinalIgnoreCase)),
            };
        }
        return trunk.DtmfMode == "info" ? policy with { TelephoneEventPayloadType = null } : policy;
    }

    /// <summary>A dialplan <c>uri:</c> target as a one-off trunk.</summary>
    internal static TrunkDefinition? UriTrunk(string target) =>
        SipUri.TryParse(target, out var uri) && uri!.IsSip
            ? new TrunkDefinition("uri", target, uri.GetParameter("transport") ?? (uri.Scheme == "sips" ? "tls" : "udp"), null, null, false, [], "rfc4733", null, [])
            : null;

    /// <summary>
    /// sip:&lt;number&gt;@&lt;trunk host:port&gt; with the trunk URI's parameters. The number is the dialplan's normalized
    /// number, the one its guards checked, sent exactly (escaped, RFC 3261 §19.1.2), never rewritten after the check.
    /// </summary>
    internal static SipUri RequestUriFor(SipUri trunk, string number)
    {
        var user = EscapeUser(number);
        if (user.Length == 0) user = "s";
        var text = trunk.Scheme + ":" + user + "@" + trunk.Host + (trunk.Port is { } p ? ":" + p : "");
        foreach (var (name, value) in trunk.Parameters) text += ";" + name + (value is null ? "" : "=" + value);
        return SipUri.TryParse(text, out var uri) ? uri! : trunk;
    }

    /// <summary>RFC 3261 §25.1: user = 1*(unreserved / escaped / user-unreserved); everything else is %HH-escaped.</summary>
    private static string EscapeUser(string user)
    {
        var text = new System.Text.StringBuilder(user.Length);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(user))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-_.!~*'()&=+$,/".Contains(c)) text.Append(c);
            else text.Append('%').Append(b.ToString("X2"));
        }
        return text.ToString();
    }

    /// <summary>§12.2.1.1 / §8.1.2: the first Route, else the remote target, when it is an address; else where the INVITE went.</summary>
    internal static SipEndPoint PeerFor(SipDialog dialog, SipEndPoint fallback)
    {
        var uri = dialog.RouteSet.Count > 0 ? dialog.RouteSet[0].Uri : dialog.RemoteTarget;
        if (!uri.IsSip || !IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address)) return fallback;
        var protocol = (uri.GetParameter("transport") ?? "").ToLowerInvariant() switch
        {
            "udp" => SipTransportProtocol.Udp,
            "tcp" => SipTransportProtocol.Tcp,
            "tls" => SipTransportProtocol.Tls,
            _ => uri.Scheme == "sips" ? SipTransportProtocol.Tls : fallback.Protocol,
        };
        return new SipEndPoint(protocol, new IPEndPoint(address, uri.Port ?? (protocol == SipTransportProtocol.Tls ? 5061 : 5060)));
    }
}
