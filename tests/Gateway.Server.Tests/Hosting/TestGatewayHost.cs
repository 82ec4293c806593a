using System.Collections.Concurrent;
using Gateway.Server.Hosting;
using Gateway.Server.Observability;
using Gateway.Server.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Hosting;

/// <summary>
/// The gateway's hosting, observability and web parts on ports chosen by the OS (HTTPS on 127.0.0.1:0, HTTP on 127.0.0.1:0),
/// in a temporary content root. Signaling and calls are not composed: tests add what they need (a stub /ws).
/// </summary>
internal sealed class TestGatewayHost : IAsyncDisposable
{
    private readonly bool _ownsContentRoot;

    private TestGatewayHost(WebApplication app, string contentRoot, bool ownsContentRoot, CapturingLoggerProvider logs)
    {
        App = app;
        ContentRoot = contentRoot;
        _ownsContentRoot = ownsContentRoot;
        Logs = logs;
        foreach (var url in app.Urls)
        {
            var uri = new Uri(url);
            if (uri.Scheme == "https") Https = uri;
            else if (uri.Scheme == "http") Http = uri;
        }
    }

    public WebApplication App { get; }
    public string ContentRoot { get; }
    public CapturingLoggerProvider Logs { get; }
    public Uri? Https { get; }
    public Uri? Http { get; }

    /// <summary>Thumbprint of the certificate the last HTTPS client saw.</summary>
    public string? PresentedThumbprint { get; private set; }

    public static async Task<TestGatewayHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        string? contentRoot = null,
        string[]? args = null,
        Action<WebApplicationBuilder>? configureServices = null,
        Action<WebApplication>? configureApp = null)
    {
        var owns = contentRoot is null;
        contentRoot ??= TempDirectory.Create();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = contentRoot,
            EnvironmentName = Environments.Production,
            Args = [],
        });
        var config = new Dictionary<string, string?>
        {
            ["Gateway:HttpsPort"] = "0",
            ["Gateway:HttpPort"] = "0",
            ["Gateway:ListenAddress"] = "127.0.0.1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            config[key] = value;
        builder.Configuration.AddInMemoryCollection(config);
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);

        builder.ConfigureGatewayHosting(args ?? []);
        builder.Services.AddGatewayObservability(builder.Configuration);
        configureServices?.Invoke(builder);

        var app = builder.Build();
        configureApp?.Invoke(app);
        app.MapGatewayObservability();
        app.MapGatewayWeb();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            if (owns)
                TempDirectory.Delete(contentRoot);
            throw;
        }
        return new TestGatewayHost(app, contentRoot, owns, logs);
    }

    /// <summary>A client for the HTTPS endpoint that accepts the (self-signed) certificate and records its thumbprint.</summary>
    public HttpClient HttpsClient()
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                PresentedThumbprint = cert?.Thumbprint;
                return true;
            },
        };
        return new HttpClient(handler) { BaseAddress = Https, Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient HttpClient() => new() { BaseAddress = Http, Timeout = TimeSpan.FromSeconds(10) };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsContentRoot)
            TempDirectory.Delete(ContentRoot);
    }
}

internal static class TempDirectory
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "gateway-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Keeps every log line for assertions.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
