using Gateway.Server.Calls;
using Gateway.Server.Hosting;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests.Calls;

/// <summary>The graceful drain (Hosting/GatewayDrain) over the call harness: what each side hears, what the CDR says.</summary>
public sealed class DrainTests
{
    private static GatewayDrain DrainFor(CallHarness gw, TimeSpan? timeout = null)
    {
        var services = new ServiceCollection().AddSingleton(gw.Registry).BuildServiceProvider();
        return new GatewayDrain(gw.Services.Drain, Options.Create(new GatewayHostingOptions { DrainTimeout = timeout ?? TimeSpan.Zero }),
            services, TimeProvider.System, NullLogger<GatewayDrain>.Instance);
    }

    [Fact]
    public async Task Drain_hangs_up_an_answered_call_toward_both_sides_and_its_cdr_stays_answered()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        await peer.WaitForAsync(SipMethods.Ack);

        await DrainFor(gw).DrainAsync();

        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(GatewayCall.ShutdownCause, (string)hangup["reason"]!);
        var bye = await peer.WaitForAsync(SipMethods.Bye);
        Assert.Contains("cause=503", bye.GetHeader("Reason"));
        Assert.Equal(0, gw.Registry.Count);
        var cdr = Assert.Single(gw.Cdr.Records);
        Assert.Equal((200, GatewayCall.ShutdownCause), (cdr.Cause, cdr.Reason));
        Assert.NotNull(cdr.Answer);
        Assert.Equal(1, gw.Metrics.CallsEnded("answered"));
        Assert.Equal(0, gw.Metrics.CallsEnded("failed"));
    }

    [Fact]
    public async Task Drain_cancels_a_ringing_call_and_tells_the_browser()
    {
        await using var peer = SipTestPeer.Start();
        peer.Behavior = PeerBehavior.Ring;
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("ringing", "c1");

        await DrainFor(gw).DrainAsync();

        var hangup = await web.WaitForAsync("hangup", "c1");
        Assert.Equal(503, (int)hangup["code"]!);
        await peer.WaitForAsync(SipMethods.Cancel);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(1, web.Count("hangup"));
        Assert.Equal("cancelled", OutcomeOf(gw));
    }

    [Fact]
    public async Task A_call_that_ends_within_the_drain_timeout_ends_normally()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");

        var drain = DrainFor(gw, TimeSpan.FromSeconds(20)).DrainAsync();
        Assert.False(drain.IsCompleted);
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await drain.WaitAsync(TimeSpan.FromSeconds(5));

        var cdr = Assert.Single(gw.Cdr.Records);
        Assert.Equal((200, "Normal"), (cdr.Cause, cdr.Reason));
    }

    [Fact]
    public async Task While_draining_new_calls_are_refused_on_both_sides()
    {
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        gw.Users.Register("alice", web);
        gw.Services.Drain.Begin();

        gw.Place(web, "c1", "+14155550100");
        var error = await web.WaitForAsync("error", "c1");
        Assert.Equal(SignalingErrorCodes.Unavailable, (string)error["code"]!);

        var (_, tx, _) = peer.Call(gw.EndPoint, "alice");
        var refused = await tx.FinalResponse.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(503, refused.StatusCode);
        Assert.Equal(DrainState.RetryAfterSeconds.ToString(), refused.GetHeader("Retry-After"));
        Assert.Equal(0, peer.Count(SipMethods.Invite));
        Assert.Equal(0, web.Count("incoming"));
    }

    private static string OutcomeOf(CallHarness gw) =>
        Gateway.Server.Observability.GatewayMetrics.Outcomes.First(o => gw.Metrics.CallsEnded(o) > 0);
}
