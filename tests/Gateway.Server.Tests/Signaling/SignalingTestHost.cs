using Gateway.Tests.Shared;
using Gateway.Server.Signaling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Signaling;

/// <summary>A real Kestrel host on 127.0.0.1:0 with only the signaling front end, a fake call controller and manual time.</summary>
internal sealed class SignalingTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SignalingTestHost(WebApplication app, Uri baseUri, FakeCallController calls, ManualTimeProvider time)
    {
        _app = app;
        BaseUri = baseUri;
        Calls = calls;
        Time = time;
    }

    public Uri BaseUri { get; }
    public FakeCallController Calls { get; }
    public ManualTimeProvider Time { get; }
    public IServiceProvider Services => _app.Services;

    public Uri WsUri(string? query = null) =>
        new($"ws://{BaseUri.Authority}/ws{(query is null ? "" : "?" + query)}");

    public static async Task<SignalingTestHost> StartAsync(Dictionary<string, string?>? settings = null, bool registerFakeController = true)
    {
        var config = new Dictionary<string, string?>
        {
            ["Signaling:Domain"] = "example.test",
            ["Signaling:JwtSecret"] = TestTokens.Secret,
            ["Signaling:AllowLoopbackWithoutToken"] = "true",
            ["Signaling:RateLimitBurst"] = "100000",
            ["Signaling:RateLimitPerSecond"] = "100000",
            ["Signaling:StunUrls:0"] = "stun:stun.example.test:3478",
        };
        foreach (var (k, v) in settings ?? []) config[k] = v;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        var time = new ManualTimeProvider();
        var calls = new FakeCallController();
        builder.Services.AddGatewaySignaling(builder.Configuration);
        builder.Services.AddSingleton<TimeProvider>(time);
        if (registerFakeController) builder.Services.AddSingleton<ICallController>(calls); // as the call layer does

        var app = builder.Build();
        app.MapGatewaySignaling();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SignalingTestHost(app, new Uri(address), calls, time);
    }

    public async Task<WsTestClient> ConnectAsync(string? query = null, string? bearer = null, bool expectWelcome = true)
    {
        var client = await WsTestClient.ConnectAsync(WsUri(query), bearer);
        if (expectWelcome) client.Welcome = await client.ExpectAsync("welcome");
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
