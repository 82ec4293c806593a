using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Server.Observability;
using Gateway.Server.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Gateway.Server.Tests.Observability;

/// <summary>The optional OTLP export of the Meter "Gateway": off by default, pushes to the configured collector when on.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Off_by_default()
    {
        await using var host = await TestGatewayHost.StartAsync();

        Assert.Null(host.App.Services.GetService<MeterProvider>());
        Assert.False(host.App.Services.GetRequiredService<IOptions<OtlpOptions>>().Value.Enabled);
    }

    [Fact]
    public async Task With_an_endpoint_the_gateway_meter_is_posted_to_the_collector_over_otlp_http()
    {
        var port = FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        await using var host = await TestGatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Otlp:Endpoint"] = $"http://127.0.0.1:{port}",
            ["Otlp:Protocol"] = "HttpProtobuf",
            ["Otlp:ExportInterval"] = "00:00:01",
            ["Otlp:Headers"] = "x-api-key=secret",
        });
        var metrics = host.App.Services.GetRequiredService<GatewayMetrics>();

        // Each export interval (1 s) posts what was measured since the exporter started listening; bounded to 15 s.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        HttpListenerContext context;
        string text;
        do
        {
            metrics.CallStarted();
            context = await collector.GetContextAsync().WaitAsync(deadline - DateTime.UtcNow);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            context.Response.StatusCode = 200;
            context.Response.Close();
            text = Encoding.UTF8.GetString(body.ToArray()); // protobuf strings are plain UTF-8 bytes
        } while (!text.Contains("gateway.calls.started") && DateTime.UtcNow < deadline);

        Assert.Equal("POST", context.Request.HttpMethod);
        Assert.Equal("/v1/metrics", context.Request.Url!.AbsolutePath);
        Assert.Equal("application/x-protobuf", context.Request.ContentType);
        Assert.Equal("secret", context.Request.Headers["x-api-key"]);
        Assert.True(text.Contains("gateway.calls.started"), new string(text.Select(c => char.IsControl(c) ? '.' : c).ToArray()));
        Assert.Contains(GatewayMetrics.MeterName, text);
    }

    [Fact]
    public async Task With_an_endpoint_call_spans_are_posted_to_the_collector_over_otlp_http()
    {
        var port = FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        await using var host = await TestGatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Otlp:Endpoint"] = $"http://127.0.0.1:{port}",
            ["Otlp:Protocol"] = "HttpProtobuf",
            ["Otlp:ServiceName"] = "gateway-otlp-test",
        });
        var tracer = host.App.Services.GetRequiredService<OpenTelemetry.Trace.TracerProvider>();

        // A call's root span as GatewayCall.Tracing.cs starts it (the source only creates spans while someone listens).
        using (var span = GatewayActivity.Source.StartActivity("call outbound", System.Diagnostics.ActivityKind.Server))
        {
            Assert.NotNull(span);
            span.SetTag("sip.call_id", "otlp-test-call-id@127.0.0.1");
            span.AddEvent(new System.Diagnostics.ActivityEvent("route"));
        }
        var flushed = Task.Run(() => OpenTelemetry.Trace.TracerProviderExtensions.ForceFlush(tracer, 10_000));

        // Bounded: every POST is read until the traces one (a metrics export may come first).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        HttpListenerContext context;
        string text;
        do
        {
            context = await collector.GetContextAsync().WaitAsync(deadline - DateTime.UtcNow);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            context.Response.StatusCode = 200;
            context.Response.Close();
            text = Encoding.UTF8.GetString(body.ToArray()); // protobuf strings are plain UTF-8 bytes
        } while (context.Request.Url!.AbsolutePath != "/v1/traces" && DateTime.UtcNow < deadline);

        Assert.True(await flushed);
        Assert.Equal("/v1/traces", context.Request.Url!.AbsolutePath);
        Assert.Equal("application/x-protobuf", context.Request.ContentType);
        foreach (var expected in new[] { "call outbound", "sip.call_id", "otlp-test-call-id@127.0.0.1", "route", "gateway-otlp-test", GatewayActivity.SourceName })
            Assert.True(text.Contains(expected), expected + " not in " + new string(text.Select(c => char.IsControl(c) ? '.' : c).ToArray()));
    }

    [Theory]
    [InlineData("Otlp:Endpoint", "not a url")]
    [InlineData("Otlp:Endpoint", "ftp://collector:21")]
    [InlineData("Otlp:ExportInterval", "00:00:00.100")]
    [InlineData("Otlp:Headers", "novalue")]
    public void Bad_settings_fail_validation(string key, string value)
    {
        var options = new OtlpOptions { Endpoint = "http://collector:4317" };
        switch (key)
        {
            case "Otlp:Endpoint": options.Endpoint = value; break;
            case "Otlp:ExportInterval": options.ExportInterval = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            default: options.Headers = value; break;
        }
        Assert.True(new OtlpOptionsValidator().Validate(null, options).Failed);
    }

    [Fact]
    public void Http_endpoints_get_the_metrics_path_and_grpc_ones_stay()
    {
        Assert.Equal("http://c:4318/v1/metrics", new OtlpOptions { Endpoint = "http://c:4318", Protocol = OtlpExportProtocol.HttpProtobuf }.ExportUri()!.ToString());
        Assert.Equal("http://c:4318/custom", new OtlpOptions { Endpoint = "http://c:4318/custom", Protocol = OtlpExportProtocol.HttpProtobuf }.ExportUri()!.ToString());
        Assert.Equal("http://c:4317/", new OtlpOptions { Endpoint = "http://c:4317" }.ExportUri()!.ToString());
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
