using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Dialplan;

/// <summary>
/// The operators' tool: <c>dialplan check &lt;file&gt;</c> and
/// <c>dialplan route &lt;file&gt; --from &lt;source&gt; --to &lt;number&gt; [--at &lt;ISO time&gt;]</c>.
/// Exit codes: 0 fine, 1 the file has errors (or the call is denied, for route), 2 bad usage.
/// </summary>
public static class DialplanCli
{
    public const string Usage =
        "usage: gateway dialplan check <file>\n" +
        "       gateway dialplan route <file> --from <web:user|trunk:name|user> --to <number> [--at <ISO 8601 time>]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 0 && args[0] == "dialplan") args = args[1..];
        if (args.Length < 2 || args[0] is not ("check" or "route"))
        {
            stderr.WriteLine(Usage);
            return 2;
        }
        var result = DialplanLoader.LoadFile(args[1]);
        foreach (var d in result.Diagnostics) stderr.WriteLine(d);
        if (!result.Succeeded)
        {
            stderr.WriteLine($"{args[1]}: {result.Errors.Count()} error(s); the plan was not loaded. Fix the lines above and run the check again.");
            return 1;
        }
        if (args[0] == "check")
        {
            var users = result.Plan!.Users.Count > 0 ? $", {result.Plan.Users.Count} users" : "";
            stdout.WriteLine($"{args[1]}: OK ({result.Plan.RouteCount} routes, {result.Plan.Trunks.Count} trunks{users})");
            return 0;
        }

        string? from = null, to = null, at = null;
        for (var i = 2; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--from" when value is not null: from = value; i++; break;
                case "--to" when value is not null: to = value; i++; break;
                case "--at" when value is not null: at = value; i++; break;
                default:
                    stderr.WriteLine($"unknown or incomplete option '{args[i]}'\n{Usage}");
                    return 2;
            }
        }
        if (from is null || to is null)
        {
            stderr.WriteLine("route needs --from and --to\n" + Usage);
            return 2;
        }
        var when = DateTimeOffset.UtcNow;
        if (at is not null && !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out when))
        {
            stderr.WriteLine($"--at '{at}' is not an ISO 8601 time such as 2026-03-29T08:30:00+01:00");
            return 2;
        }

        var decision = result.Plan!.Route(new CallRequest(CallSource.Parse(from), to, when));
        var json = new JsonObject
        {
            ["normalized"] = decision.Normalized,
            ["route"] = decision.Route,
            ["action"] = decision.Action?.ToString().ToLowerInvariant(),
            ["trunks"] = new JsonArray(decision.Trunks.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["target"] = decision.Target,
            ["caller_id"] = decision.CallerId,
            ["reject_code"] = decision.RejectCode,
            ["reason"] = decision.Reason,
        };
        stdout.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return decision.IsDenied ? 1 : 0;
    }
}
