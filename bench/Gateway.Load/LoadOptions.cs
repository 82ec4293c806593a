namespace Gateway.Load;

/// <summary>What one load run does. Every quantity is bounded (see <see cref="LoadLimits"/>) so a run always ends.</summary>
public sealed record LoadOptions
{
    /// <summary>Signaling WebSocket URL, loopback only (ws://127.0.0.1:port/ws); unused with <see cref="MediaOnly"/>.</summary>
    public required Uri Url { get; init; }

    /// <summary>"echo" or "relay": the gateway's media engine in this process, no signaling (see MediaOnlyRunner); null = real gateway.</summary>
    public string? MediaOnly { get; init; }

    /// <summary>Dial string for outbound calls (600 = the gateway's echo).</summary>
    public string To { get; init; } = "600";

    /// <summary>Calls placed (outbound) or answered (inbound) before the run ends.</summary>
    public int Calls { get; init; } = 10;

    /// <summary>Calls alive at once at most.</summary>
    public int Concurrency { get; init; } = 10;

    /// <summary>New calls per second (outbound).</summary>
    public double Rate { get; init; } = 5;

    /// <summary>Seconds of media per call; the tool hangs up after it.</summary>
    public int Duration { get; init; } = 10;

    /// <summary>Answer incoming calls as users load1..loadN instead of placing calls.</summary>
    public bool Inbound { get; init; }

    /// <summary>Users registered in inbound mode (load1..loadN); defaults to the concurrency.</summary>
    public int Users { get; init; }

    /// <summary>Hard stop for the whole run in seconds; 0 = computed from the other settings.</summary>
    public int Deadline { get; init; }

    /// <summary>The gateway process, for CPU and RSS figures from /proc.</summary>
    public int? GatewayPid { get; init; }

    /// <summary>Seconds to wait for ICE + DTLS (and for an answer to a call).</summary>
    public int SetupTimeout { get; init; } = 15;

    /// <summary>A UDP socket per call instead of one shared socket (needed when the gateway uses Media:SharedWebPort).</summary>
    public bool PerCallSockets { get; init; }

    /// <summary>SIP flood packets per second sent at <see cref="FloodTarget"/> while the calls run (0 = none; see SipFlooder).</summary>
    public int FloodRate { get; init; }

    /// <summary>The gateway's SIP UDP address for the flood (loopback only).</summary>
    public System.Net.IPEndPoint? FloodTarget { get; init; }

    /// <summary>Seconds the flood lasts, from the start of the run (default: the calls' media duration).</summary>
    public int FloodSeconds { get; init; }

    /// <summary>Free-text label repeated in the result line (e.g. "ramp-500").</summary>
    public string Label { get; init; } = "";

    /// <summary>The run's global deadline: set explicitly or derived (waves of calls times their length, plus slack).</summary>
    public TimeSpan EffectiveDeadline
    {
        get
        {
            if (Deadline > 0) return TimeSpan.FromSeconds(Deadline);
            if (Inbound) return TimeSpan.FromSeconds(Math.Min(LoadLimits.MaxDeadline, Duration + SetupTimeout + 120 + Calls / Math.Max(Rate, 1)));
            var waves = (Calls + Concurrency - 1) / Concurrency;
            var seconds = Calls / Rate + waves * (Duration + SetupTimeout + 5) + 30;
            return TimeSpan.FromSeconds(Math.Min(LoadLimits.MaxDeadline, seconds));
        }
    }
}

/// <summary>Safe maxima: the tool shares a 2-core machine with the gateway, and refuses more.</summary>
public static class LoadLimits
{
    public const int MaxCalls = 5000;
    public const int MaxConcurrency = 1000;
    public const double MaxRate = 100;
    public const int MaxDuration = 600;
    public const int MaxDeadline = 3600;
    public const int MaxSetupTimeout = 60;
    public const int MaxFloodRate = 20_000;
}
