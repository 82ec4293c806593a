using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Server.Observability;

/// <summary>The OTLP exporters (OpenTelemetry SDK) for the Meter "Gateway" and the ActivitySource "Gateway" (a span per call), composed only when Otlp:Endpoint is set.</summary>
internal static class OtlpSetup
{
    public static IServiceCollection AddGatewayOtlp(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(OtlpOptions.Section);
        services.AddOptions<OtlpOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OtlpOptions>, OtlpOptionsValidator>());
        var options = section.Get<OtlpOptions>() ?? new OtlpOptions();
        if (!options.Enabled || options.ExportUri() is not { } endpoint) return services; // off (or invalid: the validator stops the start)

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(GatewayMetrics.MeterName)
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = endpoint;
                    exporter.Protocol = options.Protocol == OtlpExportProtocol.HttpProtobuf ? OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf : OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
                    if (options.Headers.Length > 0) exporter.Headers = options.Headers;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.ExportInterval.TotalMilliseconds;
                }))
            .WithTracing(tracing => tracing
                .AddSource(GatewayActivity.SourceName) // one span per call (Calls/GatewayCall.Tracing.cs)
                .AddOtlpExporter(exporter =>
                {
                    exporter.Endpoint = options.ExportUri("traces")!;
                    exporter.Protocol = options.Protocol == OtlpExportProtocol.HttpProtobuf ? OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf : OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
                    if (options.Headers.Length > 0) exporter.Headers = options.Headers;
                }));
        return services;
    }
}
