namespace Gateway.Server.Observability;

/// <summary>Call detail records. Bound from the "Cdr" configuration section.</summary>
public sealed class CdrOptions
{
    public const string Section = "Cdr";

    /// <summary>JSON Lines file, relative to the content root; empty disables CDRs.</summary>
    public string? Path { get; set; } = "cdr.jsonl";

    /// <summary>Records queued for the writer; beyond this, records are dropped (and counted in the log) rather than blocking calls.</summary>
    public int QueueCapacity { get; set; } = 10_000;
}
