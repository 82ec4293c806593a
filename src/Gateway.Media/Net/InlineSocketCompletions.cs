namespace Gateway.Media.Net;

/// <summary>
/// Runs socket completions on the runtime's epoll thread instead of queueing each one to the thread pool, for a process
/// that relays media (the gateway) or generates it (bench/Gateway.Load). The relay's per-packet work is short and never
/// blocks, so the pool hop was pure overhead: at 500 concurrent calls it cost a third of the gateway's CPU and doubled the
/// p99 round trip (docs/benchmarks.md, "Capacity"). The runtime reads the switch once, when the first socket completes,
/// so this must run before any socket is used. An operator who sets DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS (to 0
/// or 1) keeps that choice.
/// </summary>
public static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void EnableUnlessConfigured()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null) Environment.SetEnvironmentVariable(Variable, "1");
    }
}
