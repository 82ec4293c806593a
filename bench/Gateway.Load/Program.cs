using Gateway.Load;

// gateway-load: many simulated web clients against a gateway on this machine (usage: LoadOptionsParser.Usage).
if (args is ["--self-test"]) return SelfTest.Run(Console.Out);
if (args.Length == 0 || args is ["--help"] or ["-h"])
{
    Console.Out.WriteLine(LoadOptionsParser.Usage);
    return args.Length == 0 ? LoadRunner.ExitUsage : LoadRunner.ExitOk;
}
if (!LoadOptionsParser.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine($"gateway-load: {error}");
    Console.Error.WriteLine(LoadOptionsParser.Usage);
    return LoadRunner.ExitUsage;
}
// Like the gateway: no thread-pool hop per packet, so the generator takes less of the CPU it shares with the gateway.
Gateway.Media.Net.InlineSocketCompletions.EnableUnlessConfigured(); // before any socket exists
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop calls cleanly (hangups sent) instead of dying
    interrupt.Cancel();
};
int code;
try
{
    code = await LoadRunner.RunAsync(options!, interrupt.Token);
}
catch (Exception e)
{
    Console.Error.WriteLine($"gateway-load: fatal: {e}");
    code = LoadRunner.ExitFatal;
}
Console.Out.Flush();
// Exit now even if an abandoned call (or a DTLS handshake thread) is still busy after the deadline.
Environment.Exit(code);
return code;
