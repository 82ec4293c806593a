using System.Net;
using Gateway.Server.Tests.Hosting;
using Gateway.Sip.Protection;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Observability;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_is_503_with_the_reason_while_a_SIP_receive_loop_is_down()
    {
        var health = new SipReceiveHealth();
        await using var host = await TestGatewayHost.StartAsync(configureServices: b => b.Services.AddSingleton(health));
        using var client = host.HttpClient();

        health.MarkDown("udp 127.0.0.1:5060", "OutOfMemoryException: test");
        using var down = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Contains("udp 127.0.0.1:5060 down: OutOfMemoryException: test", await down.Content.ReadAsStringAsync());

        health.MarkUp("udp 127.0.0.1:5060");
        using var up = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        Assert.Equal("ok", await up.Content.ReadAsStringAsync());
    }
}
