using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>
/// Turns the exceptions a newcomer meets when the gateway cannot start into one line naming the cause and what to do;
/// anything else is a defect and keeps its stack trace.
/// </summary>
internal static class StartupFailure
{
    /// <summary>Prefix of the line written to standard error.</summary>
    public const string Prefix = "gateway: cannot start: ";

    /// <summary>The one-line description of <paramref name="error"/>, or null when it is not a known start-up failure.</summary>
    public static string? Describe(Exception error) => Unwrap(error) switch
    {
        GatewayStartupException e => e.Message,
        OptionsValidationException e =>
            $"invalid configuration: {string.Join("; ", e.Failures)}. Fix the key in appsettings.json, its environment variable or the --Section:Key switch (README, Configuration)",
        IOException { InnerException: AddressInUseException } e =>
            $"{TrimPeriod(e.Message)}. Stop the process holding the port, or choose another with Gateway:HttpsPort / Gateway:HttpPort (0 = any free port)",
        _ => null,
    };

    private static Exception Unwrap(Exception error)
    {
        while (error is AggregateException { InnerExceptions.Count: 1 } aggregate) error = aggregate.InnerExceptions[0];
        return error;
    }

    private static string TrimPeriod(string message) => message.TrimEnd().TrimEnd('.');
}
