using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Gateway.Server.Hosting;

/// <summary>Logs where the web dialer is reachable once Kestrel has bound its ports (the real port when 0 was configured).</summary>
internal sealed partial class StartupBanner(IServer server, IHostApplicationLifetime lifetime, ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
                Log.Listening(logger, address.Replace("[::]", "localhost").Replace("0.0.0.0", "localhost"));
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Information, "Web dialer at {Address}/ (signaling {Address}/ws, metrics {Address}/metrics)")]
        public static partial void Listening(ILogger logger, string address);
    }
}
