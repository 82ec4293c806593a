using System.Text.RegularExpressions;
using Gateway.Server.Tests.Hosting;

namespace Gateway.Server.Tests.Web;

public sealed class DialerPageTests
{
    public static readonly string[] ElementIds =
        ["user", "register", "number", "call", "hangup", "mute", "hold", "status", "timer", "incoming", "incoming-from", "accept", "reject"];

    [Fact]
    public async Task Root_serves_the_dialer_with_every_element_id_over_http_and_https()
    {
        await using var host = await TestGatewayHost.StartAsync();
        foreach (var client in new[] { host.HttpClient(), host.HttpsClient() })
        {
            using (client)
            using (var response = await client.GetAsync("/"))
            {
                Assert.True(response.IsSuccessStatusCode);
                Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
                var html = await response.Content.ReadAsStringAsync();
                foreach (var id in ElementIds)
                    Assert.Matches($"id=\"{Regex.Escape(id)}\"", html);
                foreach (var digit in "0123456789*#")
                    Assert.Contains($"data-digit=\"{digit}\"", html);
                Assert.Contains("<audio id=\"remote\" autoplay", html);
            }
        }
    }

    [Fact]
    public async Task Script_and_stylesheet_are_served_from_the_same_origin_with_nothing_external()
    {
        await using var host = await TestGatewayHost.StartAsync();
        using var client = host.HttpClient();

        var html = await client.GetStringAsync("/");
        using var js = await client.GetAsync("/dialer.js");
        using var css = await client.GetAsync("/dialer.css");

        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        var script = await js.Content.ReadAsStringAsync();
        Assert.Contains("window.gateway", script);
        foreach (var text in new[] { html, script, await css.Content.ReadAsStringAsync() })
        {
            Assert.DoesNotMatch(@"(src|href)=""(https?:)?//", text);
            Assert.DoesNotMatch(@"@import|url\(\s*['""]?(https?:)?//", text);
        }
    }

    [Fact]
    public async Task Unknown_paths_are_not_found()
    {
        await using var host = await TestGatewayHost.StartAsync();
        using var client = host.HttpClient();

        using var response = await client.GetAsync("/nope.js");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
