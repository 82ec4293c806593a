using System.Net;

namespace Gateway.Server.Tests.Api;

/// <summary>GET /admin: one self-contained page (no external resources), served without data to anyone.</summary>
public sealed class OpsPageTests
{
    [Fact]
    public async Task The_page_is_self_contained_and_reads_everything_from_the_api()
    {
        await using var api = await ApiTestHost.StartAsync();
        using var client = api.Client(token: null);

        using var response = await client.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("connect-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
        Assert.DoesNotContain("<link", html);
        Assert.Contains("sessionStorage", html);
        Assert.Contains("'/api/v1'", html);
        Assert.Contains("Authorization = 'Bearer '", html);
    }
}
