using System.Text.RegularExpressions;

namespace Gateway.Dialplan;

/// <summary>
/// A validated dialplan, immutable, ready to route calls: normalize the dialed string to E.164, let emergency
/// numbers through, take the first route whose number, source and time window match, and refuse numbers of
/// a denied class (premium, international, ...) unless that route allows the class.
/// </summary>
public sealed class CompiledDialplan
{
    private readonly IReadOnlyList<NormalizeRule> _normalize;
    private readonly IReadOnlySet<string> _emergency;
    private readonly IReadOnlyDictionary<string, List<Regex>> _deny;
    private readonly IReadOnlyList<RouteRule> _routes;
    // Index: route positions by exact prefix, and the positions of the regex routes; a decision looks only at
    // the routes whose prefix starts the number, plus the regex routes, still in file order.
    private readonly Dictionary<string, int[]> _byPrefix;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _byPrefixSpan;
    private readonly int[] _regexRoutes;

    internal CompiledDialplan(string file, string? defaultCountry, IReadOnlyDictionary<string, TrunkDefinition> trunks, IReadOnlyList<NormalizeRule> normalize,
        IReadOnlySet<string> emergency, IReadOnlyDictionary<string, List<Regex>> deny, int? perUserCalls, IReadOnlyList<RouteRule> routes)
    {
        File = file;
        DefaultCountry = defaultCountry;
        Trunks = trunks;
        _normalize = normalize;
        _emergency = emergency;
        _deny = deny;
        PerUserCallLimit = perUserCalls;
        _routes = routes;
        _byPrefix = routes.Select((r, i) => (r, i)).Where(x => x.r.Prefix is not null)
            .GroupBy(x => x.r.Prefix!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.i).ToArray(), StringComparer.Ordinal);
        _byPrefixSpan = _byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
        _regexRoutes = routes.Select((r, i) => (r, i)).Where(x => x.r.Prefix is null).Select(x => x.i).ToArray();
    }

    public string File { get; }
    public string? DefaultCountry { get; }
    public IReadOnlyDictionary<string, TrunkDefinition> Trunks { get; }
    public int? PerUserCallLimit { get; }
    public int RouteCount => _routes.Count;

    /// <summary>The SIP users directory (<c>users:</c>) by name; empty when the plan has none.</summary>
    public IReadOnlyDictionary<string, DialplanUser> Users { get; init; } = new Dictionary<string, DialplanUser>();

    /// <summary>The directory entry of a call's source when it is a user of the directory.</summary>
    private DialplanUser? UserOf(CallSource source) =>
        source.Kind == CallSourceKind.WebUser && Users.TryGetValue(source.Name, out var user) ? user : null;

    /// <summary>Applies the first matching normalize rule (§ dialplan/README.md), or returns the input.</summary>
    public string Normalize(string dialed)
    {
        var compact = dialed.Trim();
        foreach (var rule in _normalize)
        {
            var m = rule.Match.Match(compact);
            if (m.Success) return m.Result(rule.Replacement);
        }
        return compact;
    }

    /// <summary>Whether a call is recorded: its route's <c>record:</c> (null: not set), else its trunk's (the one it went out on or came in from), else not.</summary>
    public bool Records(bool? routeRecord, string? trunk) =>
        routeRecord ?? (trunk is not null && Trunks.TryGetValue(trunk, out var t) ? t.Record : null) ?? false;

    /// <summary>
    /// Routes a call. A regex that runs past its timeout (a pathological pattern, or a starved CPU) refuses this call
    /// with 500 and says so, rather than throwing into the call layer.
    /// </summary>
    public RouteDecision Route(CallRequest call)
    {
        try { return RouteCore(call); }
        catch (RegexMatchTimeoutException e)
        {
            return Deny(call.Destination.Trim(), null, 500, $"dialplan regex '{e.Pattern}' timed out after {e.MatchTimeout.TotalMilliseconds:F0} ms");
        }
    }

    private RouteDecision RouteCore(CallRequest call)
    {
        // One typed target for every way of writing it: a URI's user part is routed like bare digits.
        var target = DialTarget.Parse(call.Destination);
        var dialed = target.User;
        var emergency = _emergency.Contains(dialed);
        var number = emergency ? dialed : Normalize(dialed);
        foreach (var index in Candidates(number))
        {
            var route = _routes[index];
            if (!route.Source.Matches(call.Source)) continue;
            if (route.Window is { } window && !window.Contains(call.At)) continue;
            if (!route.TryMatch(number, out var match)) continue;

            if (!emergency && DeniedClass(number, route, UserOf(call.Source)) is { } denied)
                return Deny(number, route.Name, 403, $"numbers of class '{denied}' are denied; a route must allow them (allow: [{denied}])");
            var action = route.Action;
            if (action.Kind == RouteActionKind.Reject)
                return Deny(number, route.Name, action.RejectCode!.Value, $"rejected by route '{route.Name}'");
            string? destination = null;
            if (action.Target is { } template)
            {
                if (template.Contains(UriVariable, StringComparison.Ordinal) && !target.NamesHost) continue; // ${uri} needs a dialed sip: URI
                destination = Substitute(template, number, match).Replace(UriVariable, target.Written, StringComparison.Ordinal);
                if (action.Kind == RouteActionKind.Uri && !route.AllowAnyHost && !SameHost(destination, action.TemplateHost))
                    return Deny(number, route.Name, 403, $"route '{route.Name}' may only send to {action.TemplateHost}; set allow_any_host: true to dial other hosts");
            }
            return new RouteDecision(number, route.Name, action.Kind, action.Trunks, destination, route.CallerId ?? UserOf(call.Source)?.CallerId, null, null)
                { Record = route.Record, WebCodec = route.WebCodec, Identity = route.Identity };
        }
        return Deny(number, null, 404, "no route matches this number");
    }

    /// <summary>Positions of the routes that can match the number, ascending (file order).</summary>
    private List<int> Candidates(string number)
    {
        var candidates = new List<int>(_regexRoutes.Length + 4);
        candidates.AddRange(_regexRoutes);
        var regexCount = candidates.Count;
        for (var length = 0; length <= number.Length; length++)
            if (_byPrefixSpan.TryGetValue(number.AsSpan(0, length), out var positions)) candidates.AddRange(positions);
        if (candidates.Count > regexCount && regexCount > 0) candidates.Sort();
        else if (candidates.Count > regexCount + 1) candidates.Sort(regexCount, candidates.Count - regexCount, null);
        return candidates;
    }

    /// <summary>The first guard class the number falls in that neither the route nor the calling directory user allows.</summary>
    private string? DeniedClass(string number, RouteRule route, DialplanUser? user)
    {
        foreach (var (name, patterns) in _deny)
            if (!route.Allow.Contains(name) && user?.Allow.Contains(name) != true && patterns.Any(p => p.IsMatch(number))) return name;
        return null;
    }

    /// <summary>The dialed sip: URI as written, in a <c>uri:</c> template of a route with <c>allow_any_host: true</c>.</summary>
    internal const string UriVariable = "${uri}";

    /// <summary>Whether a substituted sip: URI still goes to the template's own host (RFC 3261 §19.1.4: hosts compare case-insensitively).</summary>
    private static bool SameHost(string uri, string? templateHost) =>
        templateHost is not null && uri.Count(c => c == '@') <= 1 // a user part smuggling "@host" is never the template's host
        && DialTarget.Parse(uri) is { Form: DialTargetForm.SipUri, Host: { } host } && host == templateHost;

    /// <summary>$0 is the whole number; $1.. and ${name} are the route regex's groups.</summary>
    private static string Substitute(string template, string number, Match? match) =>
        match is null ? template.Replace("$0", number) : match.Result(template);

    private static RouteDecision Deny(string number, string? route, int code, string reason) =>
        new(number, route, null, [], null, null, code, reason);
}
