using System.Globalization;
using System.Net;

namespace Gateway.Load;

/// <summary>Command line to <see cref="LoadOptions"/>; never throws, every refusal says why.</summary>
public static class LoadOptionsParser
{
    public const string Usage = """
        usage: gateway-load --url ws://127.0.0.1:<port>/ws [options]
          --to <dial string>     number to call (default 600, the gateway's echo)
          --calls <n>            calls in total (1..5000, default 10)
          --concurrency <n>      calls alive at once (1..1000, default 10)
          --rate <calls/s>       new calls per second (0.1..100, default 5); inbound: registrations per second
          --duration <s>         media seconds per call (1..600, default 10)
          --inbound              register load1..loadN and answer incoming calls instead of calling
          --users <n>            users registered in inbound mode (default = concurrency, max 1000)
          --deadline <s>         global hard stop (1..3600; default derived from the settings)
          --setup-timeout <s>    wait for answer, ICE and DTLS (1..60, default 15)
          --gateway-pid <pid>    read the gateway's CPU and RSS from /proc/<pid>
          --socket shared|per-call  one UDP socket for all calls read by one thread (default, cheapest),
                                 or one per call (needed if the gateway sets Media:SharedWebPort)
          --flood <packets/s>    also flood the gateway's SIP UDP port (garbage, OPTIONS, never-ACKed INVITEs from
                                 127.0.1.x and 127.0.2.x, as the interop flood test does; 1..20000) while calls run
          --flood-target <ip:port>  the gateway's SIP UDP address (loopback; required with --flood)
          --flood-seconds <s>    how long the flood lasts from the start (default: --duration)
          --label <text>         tag repeated in the result line
          --media-only echo|relay  no gateway: its media engine in this process (ICE, DTLS, SRTP, echo
                                 or relay to a local RTP echo), to measure the media plane alone; no --url
          --self-test            check the argument parser and the media helpers, then exit
        exit codes: 0 all calls fine, 1 some calls failed, 2 usage error, 3 deadline hit or interrupted, 4 fatal error
        """;

    public static bool TryParse(IReadOnlyList<string> args, out LoadOptions? options, out string? error)
    {
        options = null;
        error = null;
        Uri? url = null;
        string to = "600", label = "";
        string? mediaOnly = null;
        var perCall = false;
        int calls = 10, concurrency = 10, duration = 10, users = 0, deadline = 0, setupTimeout = 15, floodRate = 0, floodSeconds = 0;
        IPEndPoint? floodTarget = null;
        int? gatewayPid = null;
        double rate = 5;
        bool inbound = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--inbound") { inbound = true; continue; }
            if (!name.StartsWith("--", StringComparison.Ordinal)) { error = $"unexpected argument '{name}'"; return false; }
            if (i + 1 >= args.Count) { error = $"{name} needs a value"; return false; }
            var value = args[++i];
            var ok = name switch
            {
                "--url" => TryUrl(value, out url, out error),
                "--to" => TryDialString(value, out to, out error),
                "--calls" => TryInt(name, value, 1, LoadLimits.MaxCalls, out calls, out error),
                "--concurrency" => TryInt(name, value, 1, LoadLimits.MaxConcurrency, out concurrency, out error),
                "--rate" => TryDouble(name, value, 0.1, LoadLimits.MaxRate, out rate, out error),
                "--duration" => TryInt(name, value, 1, LoadLimits.MaxDuration, out duration, out error),
                "--users" => TryInt(name, value, 1, LoadLimits.MaxConcurrency, out users, out error),
                "--deadline" => TryInt(name, value, 1, LoadLimits.MaxDeadline, out deadline, out error),
                "--setup-timeout" => TryInt(name, value, 1, LoadLimits.MaxSetupTimeout, out setupTimeout, out error),
                "--gateway-pid" => TryPid(value, out gatewayPid, out error),
                "--label" => TryLabel(value, out label, out error),
                "--flood" => TryInt(name, value, 1, LoadLimits.MaxFloodRate, out floodRate, out error),
                "--flood-seconds" => TryInt(name, value, 1, LoadLimits.MaxDuration, out floodSeconds, out error),
                "--flood-target" => TryLoopbackEndPoint(value, out floodTarget, out error),
                "--socket" => value is "shared" or "per-call" ? (perCall = value == "per-call") || true : Fail("--socket is shared or per-call", out error),
                "--media-only" => value is "echo" or "relay" ? (mediaOnly = value) is not null : Fail("--media-only is echo or relay", out error),
                _ => Fail($"unknown option '{name}'", out error),
            };
            if (!ok) return false;
        }
        if (mediaOnly is not null && inbound) { error = "--media-only and --inbound exclude each other"; return false; }
        if (url is null && mediaOnly is null) { error = "--url is required"; return false; }
        if (floodRate > 0 && floodTarget is null) { error = "--flood needs --flood-target"; return false; }
        url ??= new Uri("ws://127.0.0.1/");
        if (concurrency > calls && !inbound) concurrency = calls;
        options = new LoadOptions
        {
            Url = url, To = to, Calls = calls, Concurrency = concurrency, Rate = rate, Duration = duration, Inbound = inbound,
            Users = users == 0 ? concurrency : users, MediaOnly = mediaOnly, PerCallSockets = perCall, Deadline = deadline,
            FloodRate = floodRate, FloodTarget = floodTarget, FloodSeconds = floodSeconds == 0 ? duration : floodSeconds, GatewayPid = gatewayPid, SetupTimeout = setupTimeout, Label = label,
        };
        return true;
    }

    private static bool TryLoopbackEndPoint(string value, out IPEndPoint? endPoint, out string? error)
    {
        error = null;
        if (IPEndPoint.TryParse(value, out endPoint) && IPAddress.IsLoopback(endPoint.Address) && endPoint.Port > 0) return true;
        endPoint = null;
        error = $"--flood-target '{value}' is not a loopback ip:port";
        return false;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    /// <summary>ws:// or wss:// to a loopback address only: the tool must never load someone else's server.</summary>
    private static bool TryUrl(string value, out Uri? url, out string? error)
    {
        url = null;
        error = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var u) || (u.Scheme != "ws" && u.Scheme != "wss"))
            return Fail($"--url '{value}' is not a ws:// or wss:// URL", out error);
        var host = u.IdnHost.Trim('[', ']');
        var loopback = host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback) return Fail($"--url '{value}' is not a loopback address (127.0.0.1, ::1 or localhost only)", out error);
        url = u;
        return true;
    }

    private static bool TryDialString(string value, out string to, out string? error)
    {
        to = value;
        error = null;
        if (value.Length is 0 or > 64) return Fail("--to must be 1..64 characters", out error);
        foreach (var c in value)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '*' or '#' or ':' or '@' or '.' or '-' or '_'))
                return Fail($"--to '{value}' contains '{c}'", out error);
        return true;
    }

    private static bool TryInt(string name, string value, int min, int max, out int result, out string? error)
    {
        error = null;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result))
            return Fail($"{name} '{value}' is not a whole number", out error);
        if (result < min || result > max)
            return Fail($"{name} {result} is out of range {min}..{max} (a safety limit of this tool)", out error);
        return true;
    }

    private static bool TryDouble(string name, string value, double min, double max, out double result, out string? error)
    {
        error = null;
        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out result))
            return Fail($"{name} '{value}' is not a number", out error);
        if (result < min || result > max)
            return Fail($"{name} {result} is out of range {min}..{max} (a safety limit of this tool)", out error);
        return true;
    }

    private static bool TryPid(string value, out int? pid, out string? error)
    {
        pid = null;
        if (!TryInt("--gateway-pid", value, 1, int.MaxValue, out var p, out error)) return false;
        if (!File.Exists($"/proc/{p}/stat")) return Fail($"--gateway-pid {p}: no such process", out error);
        pid = p;
        return true;
    }

    private static bool TryLabel(string value, out string label, out string? error)
    {
        label = value;
        error = null;
        if (value.Length > 40 || value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            return Fail("--label must be up to 40 letters, digits, '-', '_' or '.'", out error);
        return true;
    }
}
