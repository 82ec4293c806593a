using System.Net;
using System.Net.Http.Headers;
using Gateway.Server.Admin;
using Gateway.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests.Hosting;

/// <summary>Operator endpoints: loopback, Admin:AllowedNetworks or an Admin:Tokens bearer; /healthz open to all.</summary>
public sealed class AdminAccessTests
{
    private const string Token = "test-admin-token-0123456789abcdef";

    private static AdminAccessPolicy Policy(bool loopback = true, string[]? networks = null, string[]? tokens = null) =>
        new(Options.Create(new AdminAccessOptions { AllowLoopback = loopback, AllowedNetworks = [.. networks ?? []], Tokens = [.. tokens ?? [Token]] }));

    [Theory]
    [InlineData("127.0.0.1", null, AdminAccessDecision.Allowed)]
    [InlineData("::1", null, AdminAccessDecision.Allowed)]
    [InlineData("::ffff:127.0.0.1", null, AdminAccessDecision.Allowed)]
    [InlineData("203.0.113.7", null, AdminAccessDecision.Unauthorized)]
    [InlineData("203.0.113.7", "Basic dXNlcjpwYXNz", AdminAccessDecision.Unauthorized)]
    [InlineData("203.0.113.7", "Bearer ", AdminAccessDecision.Unauthorized)]
    [InlineData("203.0.113.7", "Bearer wrong-token-0123456789abcdef", AdminAccessDecision.Forbidden)]
    [InlineData("203.0.113.7", "Bearer " + Token + "x", AdminAccessDecision.Forbidden)]
    [InlineData("203.0.113.7", "Bearer " + Token, AdminAccessDecision.Allowed)]
    [InlineData("203.0.113.7", "bearer " + Token, AdminAccessDecision.Allowed)]
    [InlineData("10.1.2.3", null, AdminAccessDecision.Allowed)]
    [InlineData("::ffff:10.1.2.3", null, AdminAccessDecision.Allowed)]
    public void The_policy_admits_loopback_allowed_networks_and_configured_tokens(string remote, string? authorization, AdminAccessDecision expected) =>
        Assert.Equal(expected, Policy(networks: ["10.0.0.0/8"]).Decide(IPAddress.Parse(remote), authorization));

    [Fact]
    public void Loopback_can_be_refused_behind_a_local_proxy() =>
        Assert.Equal(AdminAccessDecision.Unauthorized, Policy(loopback: false).Decide(IPAddress.Loopback, null));

    [Fact]
    public void Short_tokens_and_bad_networks_fail_validation()
    {
        var result = new AdminAccessOptionsValidator().Validate(null, new AdminAccessOptions { Tokens = ["short"], AllowedNetworks = ["10.0.0.0/33"] });
        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
    }

    [Fact]
    public async Task Metrics_refuse_a_client_outside_the_allowlist_without_token_and_admit_the_token()
    {
        // The test client is on 127.0.0.1: an allowlist that excludes it stands for a remote client.
        await using var host = await TestGatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Admin:AllowLoopback"] = "false",
            ["Admin:AllowedNetworks:0"] = "192.0.2.0/24",
            ["Admin:Tokens:0"] = Token,
        }, configureApp: app => app.MapGatewayAdmin());
        using var client = host.HttpClient();

        using var anonymous = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.DoesNotContain("gateway_", await anonymous.Content.ReadAsStringAsync());

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token-0123456789abcdef") } };
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(wrong)).StatusCode);

        using var drain = await client.PostAsync("/admin/drain", null);
        Assert.Equal(HttpStatusCode.Unauthorized, drain.StatusCode);
        Assert.False(host.App.Services.GetRequiredService<DrainState>().IsDraining);

        using var right = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };
        using var allowed = await client.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("gateway_active_calls", await allowed.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Healthz_says_draining_while_the_gateway_drains()
    {
        await using var host = await TestGatewayHost.StartAsync();
        using var client = host.HttpClient();

        host.App.Services.GetRequiredService<DrainState>().Begin();
        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("draining", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Drain_timeout_raises_the_host_shutdown_timeout()
    {
        await using var host = await TestGatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:DrainTimeout"] = "00:02:00" });
        var shutdown = host.App.Services.GetRequiredService<IOptions<Microsoft.Extensions.Hosting.HostOptions>>().Value.ShutdownTimeout;
        Assert.True(shutdown >= TimeSpan.FromMinutes(2) + GatewayDrain.EndGrace, $"shutdown timeout {shutdown}");
    }
}
