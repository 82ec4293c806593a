using System.Net.WebSockets;

namespace Gateway.Server.Tests.Signaling;

public sealed class RateLimitTests
{
    private static readonly Dictionary<string, string?> Limits = new()
    {
        ["Signaling:RateLimitPerSecond"] = "5",
        ["Signaling:RateLimitBurst"] = "5",
        ["Signaling:RateLimitAbuseSeconds"] = "3",
    };

    [Fact]
    public async Task OverTheRate_AnswersRateLimited_ThenRecovers()
    {
        await using var host = await SignalingTestHost.StartAsync(Limits);
        await using var client = await host.ConnectAsync();
        for (var i = 0; i < 8; i++) await client.SendAsync("""{"type":"ping"}""");
        for (var i = 0; i < 5; i++) await client.ExpectAsync("pong");
        await client.ExpectErrorAsync("rate_limited");
        await client.ExpectSilenceAsync(TimeSpan.FromMilliseconds(200)); // one notice per second, the rest dropped

        host.Time.Advance(TimeSpan.FromSeconds(1)); // refills 5 tokens
        await client.SendAsync("""{"type":"ping"}""");
        await client.ExpectAsync("pong");
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task OverTheRate_ThreeSecondsInARow_ClosesWith1008_AndEndsTheSession()
    {
        await using var host = await SignalingTestHost.StartAsync(Limits);
        await using var client = await host.ConnectAsync();
        for (var second = 0; second < 3; second++)
        {
            // Burst of 5 allowed, the 6th is over the rate: noticed in seconds 0 and 1, abuse in second 2.
            for (var i = 0; i < 6; i++) await client.SendAsync("""{"type":"ping"}""");
            for (var i = 0; i < 5; i++) await client.ExpectAsync("pong");
            if (second < 2)
            {
                await client.ExpectErrorAsync("rate_limited");
                host.Time.Advance(TimeSpan.FromSeconds(1));
            }
        }
        Assert.Null(await client.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.Socket.CloseStatus);
        var ended = await host.Calls.NextEndedAsync();
        Assert.Equal(client.SessionId, ended.SessionId);
    }
}
