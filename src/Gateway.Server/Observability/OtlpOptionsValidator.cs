using Microsoft.Extensions.Options;

namespace Gateway.Server.Observability;

/// <summary>Refuses on start an OTLP setting that would export nowhere or hammer the collector.</summary>
internal sealed class OtlpOptionsValidator : IValidateOptions<OtlpOptions>
{
    public ValidateOptionsResult Validate(string? name, OtlpOptions options)
    {
        if (!options.Enabled) return ValidateOptionsResult.Success;
        var failures = new List<string>();
        if (options.ExportUri() is not { Scheme: "http" or "https" })
            failures.Add($"Otlp:Endpoint '{options.Endpoint}' is not an http:// or https:// URL such as http://otel-collector:4317.");
        if (!Enum.IsDefined(options.Protocol))
            failures.Add("Otlp:Protocol must be Grpc or HttpProtobuf.");
        if (options.ExportInterval < OtlpOptions.MinExportInterval || options.ExportInterval > OtlpOptions.MaxExportInterval)
            failures.Add($"Otlp:ExportInterval must be from {OtlpOptions.MinExportInterval} to {OtlpOptions.MaxExportInterval} (it is {options.ExportInterval}).");
        foreach (var header in options.Headers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (header.IndexOf('=') <= 0)
                failures.Add($"Otlp:Headers entry '{header}' is not key=value.");
        if (string.IsNullOrWhiteSpace(options.ServiceName))
            failures.Add("Otlp:ServiceName must not be empty.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
