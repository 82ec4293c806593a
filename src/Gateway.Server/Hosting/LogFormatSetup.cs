using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>
/// The console log's format, the standard key <c>Logging:Console:FormatterName</c>: <c>simple</c> (default, one line
/// per message), <c>json</c> (one JSON object per line: Timestamp, EventId, LogLevel, Category, Message, State) or
/// <c>systemd</c>. Any other name is refused at start (the console logger would silently fall back to simple).
/// </summary>
internal static class LogFormatSetup
{
    public static readonly string[] Formatters = [ConsoleFormatterNames.Simple, ConsoleFormatterNames.Json, ConsoleFormatterNames.Systemd];

    public static IServiceCollection AddGatewayLogFormat(this IServiceCollection services)
    {
        services.AddOptions<ConsoleLoggerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsoleLoggerOptions>, FormatterNameValidator>());
        return services;
    }

    private sealed class FormatterNameValidator : IValidateOptions<ConsoleLoggerOptions>
    {
        public ValidateOptionsResult Validate(string? name, ConsoleLoggerOptions options) =>
            options.FormatterName is null || Formatters.Contains(options.FormatterName, StringComparer.OrdinalIgnoreCase)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"Logging:Console:FormatterName '{options.FormatterName}' is not one of {string.Join(", ", Formatters)}");
    }
}
