using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Signaling;

/// <summary>
/// A real HTTP identity provider on 127.0.0.1 (free port): GET /jwks serves the public keys of <see cref="TestSigningKeys"/>
/// and GET /.well-known/openid-configuration its discovery document (issuer = <see cref="Issuer"/>).
/// </summary>
internal sealed class LocalIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private LocalIdentityProvider(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;
    public string Issuer => BaseUri.ToString().TrimEnd('/');
    public string JwksUrl => Issuer + "/jwks";
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<LocalIdentityProvider> StartAsync(TestSigningKeys keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var provider = new LocalIdentityProvider(app);
        app.MapGet("/jwks", () => { Interlocked.Increment(ref provider._requests); return Results.Text(keys.Jwks(), "application/json"); });
        app.MapGet("/.well-known/openid-configuration", () =>
        {
            Interlocked.Increment(ref provider._requests);
            var document = new JsonObject { ["issuer"] = provider.Issuer, ["jwks_uri"] = provider.JwksUrl };
            return Results.Text(document.ToJsonString(), "application/json");
        });
        await app.StartAsync();
        provider.BaseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
