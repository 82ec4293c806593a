using YamlDotNet.RepresentationModel;

namespace Gateway.Dialplan;

public static partial class DialplanLoader
{
    /// <summary>
    /// Trunk keys prack, from_user, redirect, trust_identity and, on trunks and routes, from_host, identity, privacy,
    /// user_phone (a route names its From user with caller_id): dialplan/README.md "Caller identity and 100rel".
    /// </summary>
    private sealed partial class Reader
    {
        /// <summary>prack, from_user, redirect, trust_identity and the identity keys of a trunk.</summary>
        private TrunkDefinition ReadSignaling(YamlMappingNode t, string name, TrunkDefinition trunk)
        {
            var prack = Scalar(t, "prack") switch
            {
                null or "supported" => TrunkPrackMode.Supported,
                "off" => TrunkPrackMode.Off,
                "required" => TrunkPrackMode.Required,
                var other => Invalid<TrunkPrackMode>(t, "prack", $"trunk '{name}' prack must be off, supported or required, not '{other}'"),
            };
            var redirect = Scalar(t, "redirect") switch
            {
                null or "none" => RedirectHeaderKind.None,
                "diversion" => RedirectHeaderKind.Diversion,
                "history-info" => RedirectHeaderKind.HistoryInfo,
                var other => Invalid<RedirectHeaderKind>(t, "redirect", $"trunk '{name}' redirect must be none, diversion or history-info, not '{other}'"),
            };
            var fromUser = Scalar(t, "from_user");
            if (fromUser is not null && !IsSipUser(fromUser))
                Error(Child(t, "from_user")!, $"trunk '{name}' from_user '{fromUser}' must be a SIP user part: letters, digits and - _ . ! ~ * ' ( ) & = + $ , ; ? /");
            var identity = ReadIdentity(t, $"trunk '{name}'") with { FromUser = fromUser };
            return trunk with { Prack = prack, Redirect = redirect, Identity = identity, TrustIdentity = Bool(t, "trust_identity") ?? true };
        }

        /// <summary>from_host, identity, privacy, user_phone on a trunk or a route.</summary>
        private CallerIdentity ReadIdentity(YamlMappingNode node, string where)
        {
            var host = Scalar(node, "from_host");
            if (host is not null && !IsHost(host))
                Error(Child(node, "from_host")!, $"{where} from_host '{host}' must be a host name or IP address such as carrier.example or 192.0.2.1");
            IdentityHeaderKind? header = Scalar(node, "identity") switch
            {
                null => null,
                "none" => IdentityHeaderKind.None,
                "pai" => IdentityHeaderKind.Asserted,
                "ppi" => IdentityHeaderKind.Preferred,
                var other => Invalid<IdentityHeaderKind?>(node, "identity", $"{where} identity must be none, pai or ppi, not '{other}'"),
            };
            bool? withhold = Scalar(node, "privacy") switch
            {
                null => null,
                "none" => false,
                "id" => true,
                var other => Invalid<bool?>(node, "privacy", $"{where} privacy must be id or none, not '{other}'"),
            };
            if (withhold == true && header == IdentityHeaderKind.None)
                Warn(Child(node, "privacy")!, $"{where} withholds the caller (privacy: id) with identity: none: the trunk cannot see the number at all (emergency calls, billing)");
            return new CallerIdentity(null, host, header, withhold, Bool(node, "user_phone"));
        }

        private T Invalid<T>(YamlMappingNode node, string key, string message)
        {
            Error(Child(node, key)!, message);
            return default!;
        }

        private static bool IsSipUser(string user) =>
            user.Length is > 0 and <= 64 && user.All(c => char.IsAsciiLetterOrDigit(c) || "-_.!~*'()&=+$,;?/".Contains(c));

        private static bool IsHost(string host) =>
            host.Length is > 0 and <= 253 && (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out _)
                || host.Split('.').All(label => label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')));
    }
}
