namespace Gateway.Server.Observability;

/// <summary>How the OTLP metrics export speaks to its collector.</summary>
public enum OtlpExportProtocol
{
    /// <summary>OTLP/gRPC (default collector port 4317).</summary>
    Grpc,
    /// <summary>OTLP/HTTP with protobuf bodies, POST to <c>/v1/metrics</c> (default collector port 4318).</summary>
    HttpProtobuf,
}

/// <summary>
/// Optional export of the Meter "Gateway" over OTLP (OpenTelemetry protocol) to a collector. Bound from the "Otlp"
/// section; off while <see cref="Endpoint"/> is empty (the default). /metrics is served either way.
/// </summary>
public sealed class OtlpOptions
{
    public const string Section = "Otlp";
    public static readonly TimeSpan MinExportInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxExportInterval = TimeSpan.FromHours(1);

    /// <summary>The collector, e.g. http://otel-collector:4317 (gRPC) or http://otel-collector:4318 (HTTP; /v1/metrics is added when no path is given). Empty: no export.</summary>
    public string Endpoint { get; set; } = "";

    public OtlpExportProtocol Protocol { get; set; } = OtlpExportProtocol.Grpc;

    /// <summary>How often the metrics are pushed.</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Extra request headers, "key=value,key2=value2" (e.g. a collector's API key).</summary>
    public string Headers { get; set; } = "";

    /// <summary>service.name of the exported resource.</summary>
    public string ServiceName { get; set; } = "gateway";

    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>
    /// The endpoint the exporter of <paramref name="signal"/> (metrics, traces) posts to: for HTTP, the signal path
    /// /v1/&lt;signal&gt; when the URL has none, and a URL ending /v1/metrics gives /v1/traces for traces.
    /// </summary>
    public Uri? ExportUri(string signal = "metrics")
    {
        if (!Uri.TryCreate(Endpoint.Trim(), UriKind.Absolute, out var uri)) return null;
        if (Protocol != OtlpExportProtocol.HttpProtobuf) return uri;
        if (uri.AbsolutePath is "" or "/") return new Uri(uri, "/v1/" + signal);
        if (signal != "metrics" && uri.AbsolutePath.EndsWith("/v1/metrics", StringComparison.Ordinal))
            return new Uri(uri, uri.AbsolutePath[..^"metrics".Length] + signal);
        return uri;
    }
}
