using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Dialplan;

/// <summary>
/// Reads a dialplan YAML file (format in dialplan/README.md) into a <see cref="CompiledDialplan"/>, or refuses
/// it with every error found, each with file, line, column and what to do. Unknown keys are errors, never
/// ignored. Never throws on bad input.
/// </summary>
public static partial class DialplanLoader
{
    // A ReDoS guard, not a latency budget: wall-clock time, so it must survive a descheduled thread on a loaded machine.
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);
    private static readonly string[] TopKeys = ["default_country", "trunks", "normalize", "guards", "routes", "users"];
    private static readonly string[] TrunkKeys = ["uri", "transport", "username", "password", "register", "codecs", "dtmf", "max_channels", "inbound_sources",
        "invite_timeout", "probe", "probe_interval", "probe_failures", "registrar", "register_expires", "srtp", "tls_ca",
        "web_codec", "record", "prack", "from_user", "redirect", "trust_identity", "from_host", "identity", "privacy", "user_phone"];
    private static readonly string[] RouteKeys = ["name", "match", "from", "time", "trunk", "uri", "user", "app", "reject", "caller_id", "allow", "allow_any_host",
        "web_codec", "record", "from_host", "identity", "privacy", "user_phone"];
    private static readonly string[] ActionKeys = ["trunk", "uri", "user", "app", "reject"];

    public sealed record Result(CompiledDialplan? Plan, IReadOnlyList<DialplanDiagnostic> Diagnostics)
    {
        public bool Succeeded => Plan is not null;
        public IEnumerable<DialplanDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
    }

    public static Result LoadFile(string path, Func<string, string?>? environment = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Result(null, [new(DiagnosticSeverity.Error, path, 1, 1, $"cannot read the file: {e.Message}")]);
        }
        return Load(text, path, environment);
    }

    public static Result Load(string yaml, string fileName, Func<string, string?>? environment = null) =>
        new Reader(fileName, environment ?? Environment.GetEnvironmentVariable).Read(yaml);

    private sealed partial class Reader(string file, Func<string, string?> environment)
    {
        private readonly List<DialplanDiagnostic> _diagnostics = [];

        private void Error(YamlNode node, string message) =>
            _diagnostics.Add(new(DiagnosticSeverity.Error, file, (int)node.Start.Line, (int)node.Start.Column, message));

        private void Warn(YamlNode node, string message) =>
            _diagnostics.Add(new(DiagnosticSeverity.Warning, file, (int)node.Start.Line, (int)node.Start.Column, message));

        public Result Read(string yaml)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(yaml));
            }
            catch (YamlException e)
            {
                return new Result(null, [new(DiagnosticSeverity.Error, file, (int)e.Start.Line, (int)e.Start.Column, "not valid YAML: " + e.Message)]);
            }
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
                return new Result(null, [new(DiagnosticSeverity.Error, file, 1, 1, "the dialplan must be a mapping with trunks, normalize, guards and routes")]);

            CheckKeys(root, TopKeys, "top level");
            var country = Scalar(root, "default_country");
            var trunks = ReadTrunks(Child(root, "trunks"));
            var normalize = ReadNormalize(Child(root, "normalize"));
            var (emergency, denyClasses, perUserLimit) = ReadGuards(Child(root, "guards"));
            var routes = ReadRoutes(Child(root, "routes"), trunks, denyClasses);
            var users = ReadUsers(Child(root, "users"), denyClasses); // DialplanLoader.Users.cs

            if (_diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) return new Result(null, _diagnostics);
            var plan = new CompiledDialplan(file, country, trunks, normalize, emergency, denyClasses, perUserLimit, routes) { Users = users };
            return new Result(plan, _diagnostics);
        }

        private Dictionary<string, TrunkDefinition> ReadTrunks(YamlNode? node)
        {
            var trunks = new Dictionary<string, TrunkDefinition>(StringComparer.Ordinal);
            if (node is null) return trunks;
            if (node is not YamlMappingNode map) { Error(node, "trunks must be a mapping of trunk name to settings"); return trunks; }
            foreach (var (keyNode, value) in map.Children)
            {
                var name = ((YamlScalarNode)keyNode).Value ?? "";
                if (value is not YamlMappingNode t) { Error(value, $"trunk '{name}' must be a mapping with at least uri"); continue; }
                CheckKeys(t, TrunkKeys, $"trunk '{name}'");
                var uri = Scalar(t, "uri");
                if (uri is null) Error(t, $"trunk '{name}' needs uri: (a sip: or sips: URI of your PBX or carrier)");
                else if (!uri.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) && !uri.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
                    Error(Child(t, "uri")!, $"trunk '{name}' uri must start with sip: or sips:");
                var transport = Scalar(t, "transport") ?? "udp";
                if (transport is not ("udp" or "tcp" or "tls")) Error(Child(t, "transport")!, "transport must be udp, tcp or tls");
                var dtmf = Scalar(t, "dtmf") ?? "rfc4733";
                if (dtmf is not ("rfc4733" or "info")) Error(Child(t, "dtmf")!, "dtmf must be rfc4733 or info");
                var register = Bool(t, "register") ?? false;
                var maxChannels = Int(t, "max_channels", 1, 100000);
                var sources = List(t, "inbound_sources");
                foreach (var cidr in sources.Where(c => !System.Net.IPNetwork.TryParse(c, out _)))
                    Error(Child(t, "inbound_sources")!, $"trunk '{name}' inbound source '{cidr}' is not an address range such as 192.0.2.0/24");
                var (username, password) = (Expand(t, "username"), Expand(t, "password"));
                trunks[name] = new TrunkDefinition(name, uri ?? "", transport, username, password, register,
                    List(t, "codecs"), dtmf, maxChannels, sources)
                {
                    Liveness = ReadLiveness(t, uri ?? ""), Registration = ReadRegistration(t, name, register, username, password), Record = Bool(t, "record"),
                    WebCodec = ReadWebCodec(t) ?? WebCodecMode.Passthrough,
                };
                trunks[name] = ReadSignaling(t, name, ReadSecurity(t, name, trunks[name])); // DialplanLoader.Identity.cs
            }
            return trunks;
        }

        /// <summary>srtp and tls_ca (dialplan/README.md "TLS and SRTP").</summary>
        private TrunkDefinition ReadSecurity(YamlMappingNode t, string name, TrunkDefinition trunk)
        {
            var srtpText = Scalar(t, "srtp");
            var srtp = TrunkSecurity.ParseSrtp(srtpText);
            if (srtp is null) Error(Child(t, "srtp")!, $"trunk '{name}' srtp must be off, optional or required");
            var tls = trunk.Transport == "tls" || trunk.Uri.StartsWith("sips:", StringComparison.OrdinalIgnoreCase);
            if (srtp is TrunkSrtpMode.Optional or TrunkSrtpMode.Required && !tls)
                Warn(Child(t, "srtp")!, $"trunk '{name}' sends its SRTP keys in the SDP over {trunk.Transport}: anyone on the path can read them; use transport: tls");
            string? caFile = null;
            if (Scalar(t, "tls_ca") is { } ca)
            {
                if (!tls) Error(Child(t, "tls_ca")!, $"trunk '{name}' tls_ca needs transport: tls (or a sips: uri)");
                else if (TrunkSecurity.ResolveCaFile(ca, file, out _, out var caError) is { } resolved) caFile = resolved;
                else Error(Child(t, "tls_ca")!, $"trunk '{name}' {caError}");
            }
            return trunk with { Srtp = srtp ?? TrunkSrtpMode.Off, TlsCaFile = caFile };
        }

        /// <summary><c>web_codec: opus | passthrough</c> on a trunk or a route (dialplan/README.md "Codecs").</summary>
        private WebCodecMode? ReadWebCodec(YamlMappingNode node)
        {
            var value = Scalar(node, "web_codec");
            switch (value)
            {
                case null: return null;
                case "opus": return WebCodecMode.Opus;
                case "passthrough": return WebCodecMode.Passthrough;
                default:
                    Error(Child(node, "web_codec")!, $"web_codec must be opus or passthrough, not '{value}'");
                    return null;
            }
        }

        /// <summary>invite_timeout, probe, probe_interval, probe_failures (dialplan/README.md "Failover").</summary>
        private TrunkLiveness ReadLiveness(YamlMappingNode t, string uri)
        {
            var inviteTimeout = Seconds(t, "invite_timeout", 0.1, 60) ?? TrunkLiveness.DefaultInviteTimeout;
            var probe = Bool(t, "probe") ?? TrunkLiveness.HasFixedAddress(uri);
            var interval = Seconds(t, "probe_interval", 1, 3600) ?? TrunkLiveness.DefaultProbeInterval;
            var failures = Int(t, "probe_failures", 1, 100) ?? TrunkLiveness.DefaultProbeFailures;
            return new TrunkLiveness(inviteTimeout, probe, interval, failures);
        }

        /// <summary>registrar, register_expires (dialplan/README.md "Registration"); register needs username and password.</summary>
        private TrunkRegistration ReadRegistration(YamlMappingNode t, string name, bool register, string? username, string? password)
        {
            var registrar = Scalar(t, "registrar");
            if (registrar is not null && !IsSipUri(registrar))
                Error(Child(t, "registrar")!, $"trunk '{name}' registrar must be a sip: or sips: URI such as sip:registrar.carrier.example");
            var expires = Int(t, "register_expires", TrunkRegistration.MinExpires, TrunkRegistration.MaxExpires) ?? TrunkRegistration.DefaultExpires;
            if (register && (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password)))
                Error(Child(t, "register")!, $"trunk '{name}' has register: true but no username and password: the registrar's challenge cannot be answered");
            if (!register && (registrar is not null || Child(t, "register_expires") is not null))
                Warn(Child(t, "registrar") ?? Child(t, "register_expires")!, $"trunk '{name}' sets registrar or register_expires without register: true: they do nothing");
            return new TrunkRegistration(registrar, expires);
        }

        private static bool IsSipUri(string uri) =>
            (uri.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) && uri.Length > 4) ||
            (uri.StartsWith("sips:", StringComparison.OrdinalIgnoreCase) && uri.Length > 5);

        private List<NormalizeRule> ReadNormalize(YamlNode? node)
        {
            var rules = new List<NormalizeRule>();
            if (node is null) return rules;
            if (node is not YamlSequenceNode seq) { Error(node, "normalize must be a list of {match, replace} rules"); return rules; }
            foreach (var item in seq)
            {
                if (item is not YamlMappingNode rule) { Error(item, "a normalize rule is a mapping with match: and replace:"); continue; }
                CheckKeys(rule, ["match", "replace"], "normalize rule");
                var regex = Regex(rule, "match");
                var replace = Scalar(rule, "replace");
                if (replace is null) Error(rule, "a normalize rule needs replace: (e.g. '+44$1')");
                if (regex is not null && replace is not null) rules.Add(new NormalizeRule(regex, replace));
            }
            return rules;
        }

        private (HashSet<string> Emergency, Dictionary<string, List<Regex>> Deny, int? PerUser) ReadGuards(YamlNode? node)
        {
            var emergency = new HashSet<string>(StringComparer.Ordinal);
            var deny = new Dictionary<string, List<Regex>>(StringComparer.Ordinal);
            if (node is null) return (emergency, deny, null);
            if (node is not YamlMappingNode guards) { Error(node, "guards must be a mapping with emergency, deny and limits"); return (emergency, deny, null); }
            CheckKeys(guards, ["emergency", "deny", "per_user_calls"], "guards");
            foreach (var number in List(guards, "emergency")) emergency.Add(number);
            if (Child(guards, "deny") is YamlMappingNode classes)
            {
                foreach (var (keyNode, value) in classes.Children)
                {
                    var name = ((YamlScalarNode)keyNode).Value ?? "";
                    var patterns = new List<Regex>();
                    if (value is YamlSequenceNode list)
                    {
                        foreach (var p in list)
                            if (CompileRegex(p) is { } r) patterns.Add(r);
                    }
                    else Error(value, $"deny class '{name}' must be a list of regular expressions");
                    deny[name] = patterns;
                }
            }
            else if (Child(guards, "deny") is { } bad) Error(bad, "deny must be a mapping of class name to a list of regular expressions");
            return (emergency, deny, Int(guards, "per_user_calls", 1, 1000));
        }

        private List<RouteRule> ReadRoutes(YamlNode? node, Dictionary<string, TrunkDefinition> trunks, Dictionary<string, List<Regex>> denyClasses)
        {
            var routes = new List<RouteRule>();
            if (node is null) { _diagnostics.Add(new(DiagnosticSeverity.Error, file, 1, 1, "the dialplan has no routes: add a routes: list")); return routes; }
            if (node is not YamlSequenceNode seq) { Error(node, "routes must be a list"); return routes; }
            var names = new HashSet<string>(StringComparer.Ordinal);
            YamlNode? catchAll = null;
            foreach (var item in seq)
            {
                if (item is not YamlMappingNode r) { Error(item, "a route is a mapping with name, match and one action"); continue; }
                CheckKeys(r, RouteKeys, "route");
                var name = Scalar(r, "name");
                if (name is null) { Error(r, "a route needs name:"); continue; }
                if (!names.Add(name)) Error(Child(r, "name")!, $"duplicate route name '{name}': route names must be unique");
                if (catchAll is not null) Warn(r, $"route '{name}' is unreachable: an earlier route (line {catchAll.Start.Line}) matches every number from every source");

                string? prefix = null;
                Regex? pattern = null;
                if (Child(r, "match") is YamlMappingNode match)
                {
                    CheckKeys(match, ["prefix", "regex", "exact"], $"route '{name}' match");
                    if (Scalar(match, "exact") is { } exact) pattern = new Regex("^" + System.Text.RegularExpressions.Regex.Escape(exact) + "$", RegexOptions.CultureInvariant, RegexTimeout);
                    else if (Scalar(match, "prefix") is { } p) prefix = p;
                    else pattern = Regex(match, "regex");
                    if (prefix is null && pattern is null) Error(match, $"route '{name}' match needs prefix:, regex: or exact:");
                }
                else Error(Child(r, "match") ?? r, $"route '{name}' needs match: {{prefix|regex|exact: ...}}");

                var source = ReadSource(r, name, trunks);
                var window = ReadWindow(Child(r, "time"), name);
                var action = ReadAction(r, name, trunks);
                var allow = List(r, "allow").ToHashSet(StringComparer.Ordinal);
                foreach (var a in allow.Where(a => !denyClasses.ContainsKey(a)))
                    Error(Child(r, "allow")!, $"route '{name}' allows '{a}', which is not a class under guards.deny");
                var anyHost = Bool(r, "allow_any_host") ?? false;
                if (action is null) continue;
                CheckHost(r, name, action, anyHost);
                if (prefix == "" && source == SourceFilter.Any && window is null) catchAll ??= r;
                routes.Add(new RouteRule(name, prefix, pattern, source, window, action, Scalar(r, "caller_id"), allow, (int)r.Start.Line, anyHost)
                    { Record = Bool(r, "record"), WebCodec = ReadWebCodec(r), Identity = ReadIdentity(r, $"route '{name}'") });
            }
            return routes;
        }

        /// <summary>
        /// A <c>uri:</c> route sends to the host its template names; a host taken from the dialed string (<c>$0</c>,
        /// <c>$1</c>, <c>${uri}</c>) dials arbitrary SIP hosts and must be opted into with <c>allow_any_host: true</c>.
        /// </summary>
        private void CheckHost(YamlMappingNode r, string route, RouteAction action, bool anyHost)
        {
            if (anyHost && action.Kind != RouteActionKind.Uri)
            {
                Error(Child(r, "allow_any_host")!, $"route '{route}' sets allow_any_host, which applies only to a uri: action");
                return;
            }
            var template = action.Target ?? "";
            if (action.Kind == RouteActionKind.Uri && !anyHost && (action.TemplateHost is null || template.Contains(CompiledDialplan.UriVariable, StringComparison.Ordinal)))
                Error(Child(r, "uri")!, $"route '{route}' uri '{template}' takes its host from the dialed string: name a fixed host (sip:$0@pbx.example.com) or set allow_any_host: true");
        }

        private SourceFilter ReadSource(YamlMappingNode r, string route, Dictionary<string, TrunkDefinition> trunks)
        {
            var from = Scalar(r, "from") ?? "any";
            if (from is "any" or "web" or "api") return new SourceFilter(from, null);
            var colon = from.IndexOf(':');
            var kind = colon > 0 ? from[..colon] : "";
            var name = colon > 0 ? from[(colon + 1)..] : "";
            if (kind == "trunk" && !trunks.ContainsKey(name)) Error(Child(r, "from")!, $"route '{route}' takes calls from unknown trunk '{name}'");
            else if (kind is not ("trunk" or "user") || name.Length == 0)
                Error(Child(r, "from")!, $"route '{route}' from: must be any, web, api, user:<name> or trunk:<name>");
            return new SourceFilter(kind, name);
        }

        private TimeWindow? ReadWindow(YamlNode? node, string route)
        {
            if (node is null) return null;
            if (node is not YamlMappingNode t) { Error(node, $"route '{route}' time: must be a mapping with days, from, to, zone"); return null; }
            CheckKeys(t, ["days", "from", "to", "zone"], $"route '{route}' time");
            var days = new HashSet<DayOfWeek>();
            foreach (var d in List(t, "days"))
            {
                var day = Enum.GetValues<DayOfWeek>().FirstOrDefault(x => x.ToString()[..3].Equals(d, StringComparison.OrdinalIgnoreCase), (DayOfWeek)(-1));
                if ((int)day < 0) Error(Child(t, "days")!, $"'{d}' is not a day: use mon, tue, wed, thu, fri, sat, sun");
                else days.Add(day);
            }
            if (days.Count == 0) foreach (var d in Enum.GetValues<DayOfWeek>()) days.Add(d);
            var zoneName = Scalar(t, "zone") ?? "UTC";
            TimeZoneInfo? zone = null;
            try { zone = TimeZoneInfo.FindSystemTimeZoneById(zoneName); }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { Error(Child(t, "zone") ?? t, $"unknown time zone '{zoneName}': use an IANA name such as Europe/London"); }
            var from = Time(t, "from") ?? TimeOnly.MinValue;
            var to = Time(t, "to") ?? TimeOnly.MaxValue;
            return zone is null ? null : new TimeWindow(days, from, to, zone);
        }

        private RouteAction? ReadAction(YamlMappingNode r, string route, Dictionary<string, TrunkDefinition> trunks)
        {
            var present = ActionKeys.Where(k => Child(r, k) is not null).ToList();
            if (present.Count != 1)
            {
                Error(r, $"route '{route}' needs exactly one action of trunk:, uri:, user:, app:, reject: (found {(present.Count == 0 ? "none" : string.Join(", ", present))})");
                return null;
            }
            switch (present[0])
            {
                case "trunk":
                    var list = Child(r, "trunk") is YamlScalarNode single ? [single.Value ?? ""] : List(r, "trunk");
                    foreach (var t in list.Where(t => !trunks.ContainsKey(t)))
                        Error(Child(r, "trunk")!, $"route '{route}' uses unknown trunk '{t}': define it under trunks:");
                    return list.Count == 0 ? null : new RouteAction(RouteActionKind.Trunk, list, null, null);
                case "uri":
                    var uri = Scalar(r, "uri") ?? "";
                    if (!uri.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) && !uri.StartsWith("sips:", StringComparison.OrdinalIgnoreCase) && uri != CompiledDialplan.UriVariable)
                        Error(Child(r, "uri")!, $"route '{route}' uri must be a sip: or sips: URI (or ${{uri}}, the dialed one)");
                    return new RouteAction(RouteActionKind.Uri, [], uri, null);
                case "user":
                    return new RouteAction(RouteActionKind.User, [], Scalar(r, "user"), null);
                case "app":
                    var app = Scalar(r, "app") ?? "";
                    if (app.StartsWith("conference", StringComparison.Ordinal))
                    {
                        if (!ConferenceRoomTemplate.IsMatch(app))
                            Error(Child(r, "app")!, $"route '{route}' app 'conference <room>' needs one room name of 1-64 letters, digits, . _ - and $0, $1.. (e.g. 'conference room-$1')");
                    }
                    else if (app != "echo" && !app.StartsWith("playback ", StringComparison.Ordinal))
                        Error(Child(r, "app")!, $"route '{route}' app must be 'echo', 'playback <file>' or 'conference <room>'");
                    return new RouteAction(RouteActionKind.App, [], app, null);
                default:
                    var code = Int(r, "reject", 400, 699);
                    return code is null ? null : new RouteAction(RouteActionKind.Reject, [], null, code);
            }
        }

        /// <summary><c>conference &lt;room&gt;</c>: one room name, regex group references allowed (substituted at routing).</summary>
        private static readonly System.Text.RegularExpressions.Regex ConferenceRoomTemplate =
            new(@"^conference [A-Za-z0-9._$-]{1,64}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        private void CheckKeys(YamlMappingNode map, string[] allowed, string where)
        {
            foreach (var key in map.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(name)) Error(key, $"unknown key '{name}' in {where}: allowed keys are {string.Join(", ", allowed)}");
            }
        }

        private static YamlNode? Child(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        private string? Scalar(YamlMappingNode map, string key)
        {
            var node = Child(map, key);
            if (node is null) return null;
            if (node is YamlScalarNode s) return s.Value;
            Error(node, $"{key} must be a single value, not a list or mapping");
            return null;
        }

        private string? Expand(YamlMappingNode map, string key)
        {
            var value = Scalar(map, key);
            if (value is null) return null;
            // ${NAME} references keep secrets out of the file.
            return System.Text.RegularExpressions.Regex.Replace(value, @"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", m =>
            {
                if (environment(m.Groups[1].Value) is { } v) return v;
                Error(Child(map, key)!, $"environment variable {m.Groups[1].Value} is not set (referenced by {key})");
                return "";
            });
        }

        private bool? Bool(YamlMappingNode map, string key)
        {
            var value = Scalar(map, key);
            if (value is null) return null;
            if (value is "true" or "false") return value == "true";
            Error(Child(map, key)!, $"{key} must be true or false");
            return null;
        }

        private int? Int(YamlMappingNode map, string key, int min, int max)
        {
            var value = Scalar(map, key);
            if (value is null) return null;
            if (int.TryParse(value, out var n) && n >= min && n <= max) return n;
            Error(Child(map, key)!, $"{key} must be a whole number from {min} to {max}");
            return null;
        }

        /// <summary>A duration in seconds (decimals allowed, e.g. 0.5).</summary>
        private TimeSpan? Seconds(YamlMappingNode map, string key, double min, double max)
        {
            var value = Scalar(map, key);
            if (value is null) return null;
            if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= min && s <= max)
                return TimeSpan.FromSeconds(s);
            Error(Child(map, key)!, $"{key} must be a number of seconds from {min} to {max}");
            return null;
        }

        private TimeOnly? Time(YamlMappingNode map, string key)
        {
            var value = Scalar(map, key);
            if (value is null) return null;
            if (TimeOnly.TryParseExact(value, "HH:mm", out var t)) return t;
            Error(Child(map, key)!, $"{key} must be a time as HH:mm");
            return null;
        }

        private List<string> List(YamlMappingNode map, string key)
        {
            var node = Child(map, key);
            if (node is null) return [];
            if (node is YamlSequenceNode seq && seq.All(i => i is YamlScalarNode)) return seq.Cast<YamlScalarNode>().Select(s => s.Value ?? "").ToList();
            Error(node, $"{key} must be a list of values, e.g. [a, b]");
            return [];
        }

        private Regex? Regex(YamlMappingNode map, string key) => Child(map, key) is { } node ? CompileRegex(node) : null;

        private Regex? CompileRegex(YamlNode node)
        {
            if (node is not YamlScalarNode { Value: { } pattern }) { Error(node, "expected a regular expression"); return null; }
            try
            {
                return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, RegexTimeout);
            }
            catch (ArgumentException e)
            {
                Error(node, $"invalid regular expression '{pattern}': {e.Message}");
                return null;
            }
        }
    }
}
