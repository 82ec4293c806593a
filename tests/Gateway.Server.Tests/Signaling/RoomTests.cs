namespace Gateway.Server.Tests.Signaling;

public sealed class RoomTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static async Task<string> JoinAsync(WsTestClient client, string room, int expectedPeers)
    {
        await client.SendAsync($$"""{"type":"join","room":"{{room}}"}""");
        var joined = await client.ExpectAsync("joined");
        Assert.Equal(room, (string?)joined["room"]);
        Assert.Equal(expectedPeers, joined["peers"]!.AsArray().Count);
        return (string)joined["peer"]!;
    }

    [Fact]
    public async Task Join_Signal_Leave_StayInsideTheRoom()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var a = await host.ConnectAsync();
        await using var b = await host.ConnectAsync();
        await using var c = await host.ConnectAsync();
        await using var outsider = await host.ConnectAsync();
        await using var otherRoom = await host.ConnectAsync();
        await JoinAsync(otherRoom, "r2", 0);

        var pa = await JoinAsync(a, "r1", 0);
        var pb = await JoinAsync(b, "r1", 1);
        Assert.Equal(pb, (string?)(await a.ExpectAsync("peer-joined"))["peer"]);
        var joinedC = await c.JoinAsync("r1");
        var pc = (string)joinedC["peer"]!;
        Assert.Equal(new[] { pa, pb }.Order(), joinedC["peers"]!.AsArray().Select(p => (string)p!).Order());
        Assert.Equal(pc, (string?)(await a.ExpectAsync("peer-joined"))["peer"]);
        Assert.Equal(pc, (string?)(await b.ExpectAsync("peer-joined"))["peer"]);
        Assert.DoesNotContain(a.SessionId, new[] { pa, pb, pc }); // peer ids never reveal session ids

        await a.SendAsync($$$"""{"type":"signal","room":"r1","to":"{{{pb}}}","data":{"sdp":"offer","n":[1,2]}}""");
        var signal = await b.ExpectAsync("signal");
        Assert.Equal("r1", (string?)signal["room"]);
        Assert.Equal(pa, (string?)signal["from"]);
        Assert.Equal("""{"sdp":"offer","n":[1,2]}""", signal["data"]!.ToJsonString());

        await c.ExpectSilenceAsync(Quiet);
        await a.SendAsync("""{"type":"leave","room":"r1"}""");
        Assert.Equal(pa, (string?)(await b.ExpectAsync("peer-left"))["peer"]);
        Assert.Equal(pa, (string?)(await c.ExpectAsync("peer-left"))["peer"]);

        // b's connection closes: c sees it leave.
        await b.CloseAsync();
        var left = await c.ExpectAsync("peer-left");
        Assert.Equal(pb, (string?)left["peer"]);

        await outsider.ExpectSilenceAsync(Quiet);
        await otherRoom.ExpectSilenceAsync(Quiet);
        await a.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task Signal_ToUnknownPeer_OrFromOutside_IsNotFound()
    {
        await using var host = await SignalingTestHost.StartAsync();
        await using var a = await host.ConnectAsync();
        await using var b = await host.ConnectAsync();
        await using var outsider = await host.ConnectAsync();
        await JoinAsync(a, "r1", 0);
        var pb = await JoinAsync(b, "r1", 1);
        await a.ExpectAsync("peer-joined");

        await a.SendAsync("""{"type":"signal","room":"r1","to":"nobody","data":{}}""");
        await a.ExpectErrorAsync("not_found", "nobody");
        await outsider.SendAsync($$$"""{"type":"signal","room":"r1","to":"{{{pb}}}","data":{"x":1}}""");
        await outsider.ExpectErrorAsync("not_found", "not in room");
        await outsider.SendAsync("""{"type":"leave","room":"r1"}""");
        await outsider.ExpectErrorAsync("not_found");
        await b.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task FullRoom_AnswersFull_AndJoinTwiceIsConflict()
    {
        await using var host = await SignalingTestHost.StartAsync(new() { ["Signaling:RoomCapacity"] = "2" });
        await using var a = await host.ConnectAsync();
        await using var b = await host.ConnectAsync();
        await using var c = await host.ConnectAsync();
        await JoinAsync(a, "r1", 0);
        await JoinAsync(b, "r1", 1);
        await c.SendAsync("""{"type":"join","room":"r1"}""");
        Assert.Equal("r1", (string?)(await c.ExpectAsync("full"))["room"]);
        await a.SendAsync("""{"type":"join","room":"r1"}""");
        await a.ExpectAsync("peer-joined");
        await a.ExpectErrorAsync("conflict", "already in room");
    }
}
