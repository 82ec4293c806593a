using System.Net;
using Gateway.Sip.Messages;
using Gateway.Sip.Protection;
using Gateway.Sip.Stack;
using Gateway.Sip.Tests.Protection;
using Gateway.Sip.Tests.Transactions;
using Gateway.Sip.Transport;

namespace Gateway.Sip.Tests.Stack;

public sealed class TransactionLimitTests
{
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("192.0.2.7"), 5060);
    private readonly ManualTimeProvider _time = new();
    private readonly FakeTransport _transport = new();

    private SipStack Stack(int maxServer = 1000, int maxClient = 1000, SipInboundGuard? guard = null)
    {
        var stack = new SipStack(new SipStackOptions { MaxServerTransactions = maxServer, MaxClientTransactions = maxClient }, _time, guard: guard);
        stack.AddTransport(_transport);
        return stack;
    }

    private static SipRequest Invite(int n) => TransactionTestMessages.Request(SipMethods.Invite, "z9hG4bKflood" + n);

    [Fact]
    public async Task PastTheServerCapNewRequestsGet503WithRetryAfter()
    {
        await using var stack = Stack(maxServer: 2);
        for (var i = 0; i < 3; i++) _transport.Receive(Invite(i), Peer);

        Assert.Equal(2, stack.ServerTransactions);
        var busy = Assert.Single(_transport.SentResponses);
        Assert.Equal(503, busy.StatusCode);
        Assert.Equal("5", busy.GetHeader("Retry-After"));
        Assert.Equal("z9hG4bKflood2", busy.TopVia!.Branch);
    }

    [Fact]
    public async Task NeverAckedInviteIsFreedByTimerH()
    {
        await using var stack = Stack();
        stack.RequestReceived += incoming => incoming.Respond(403, "Forbidden");
        for (var i = 0; i < 50; i++) _transport.Receive(Invite(i), Peer);
        Assert.Equal(50, stack.ServerTransactions);

        // §17.2.1: Timer H (64*T1) ends a Completed INVITE server transaction that never got its ACK.
        _time.Advance(TimeSpan.FromSeconds(32));
        Assert.True(SpinWait.SpinUntil(() => stack.ServerTransactions == 0, TimeSpan.FromSeconds(5)), $"{stack.ServerTransactions} left");
        Assert.True(_transport.SentResponses.Count(r => r.StatusCode == 403) >= 50);
    }

    [Fact]
    public async Task SlotsFreedByTimersAreUsableAgain()
    {
        await using var stack = Stack(maxServer: 10);
        stack.RequestReceived += incoming => incoming.Respond(200);
        for (var i = 0; i < 10; i++) _transport.Receive(TransactionTestMessages.Request(SipMethods.Options, "z9hG4bKopt" + i), Peer);
        Assert.Equal(10, stack.ServerTransactions);
        _time.Advance(TimeSpan.FromSeconds(32)); // Timer J
        Assert.True(SpinWait.SpinUntil(() => stack.ServerTransactions == 0, TimeSpan.FromSeconds(5)));
        _transport.Receive(TransactionTestMessages.Request(SipMethods.Options, "z9hG4bKafter"), Peer);
        Assert.Equal(1, stack.ServerTransactions);
    }

    [Fact]
    public async Task RetransmissionsDoNotTakeNewSlots()
    {
        await using var stack = Stack(maxServer: 1);
        var invite = Invite(1);
        for (var i = 0; i < 5; i++) _transport.Receive(invite, Peer);
        Assert.Equal(1, stack.ServerTransactions);
        Assert.DoesNotContain(_transport.SentResponses, r => r.StatusCode == 503);
    }

    [Fact]
    public async Task PastTheClientCapRequestsFailLocallyWithoutBeingSent()
    {
        await using var stack = Stack(maxClient: 1);
        var destination = new SipEndPoint(SipTransportProtocol.Udp, Peer);
        _ = stack.SendRequestAsync(TransactionTestMessages.Request(SipMethods.Options, "z9hG4bKc1"), destination);
        var refused = await stack.SendRequestAsync(TransactionTestMessages.Request(SipMethods.Options, "z9hG4bKc2"), destination);
        var refusedInvite = await stack.SendInvite(Invite(3), destination).FinalResponse;

        Assert.Equal(503, refused.StatusCode);
        Assert.Equal(503, refusedInvite.StatusCode);
        Assert.Single(_transport.Sent);
        Assert.Equal(1, stack.ClientTransactions);
    }

    [Fact]
    public async Task SourceOverItsTransactionRateIsDroppedSilently()
    {
        var limiter = new SourceRateLimiter(new SipSourceLimits { PacketsPerSecond = 1000, TransactionsPerSecond = 2 }, _time);
        using var guard = new SipInboundGuard(limiter, new SipDropLog(new CapturingLogger(), TimeSpan.FromSeconds(10), _time), new SipReceiveHealth(), _time);
        await using var stack = Stack(guard: guard);
        var handed = 0;
        stack.RequestReceived += incoming => { handed++; incoming.Respond(200); };
        for (var i = 0; i < 10; i++) _transport.Receive(TransactionTestMessages.Request(SipMethods.Options, "z9hG4bKrate" + i), Peer);

        Assert.Equal(4, handed); // a bucket of 2 s at 2/s
        Assert.Equal(4, _transport.SentResponses.Count());
        Assert.Equal(1, guard.Drops.Total(SipDropReason.TransactionRate));
        Assert.Equal(5, guard.Drops.Total(SipDropReason.Blocked));
    }

    [Fact]
    public async Task A_retransmitted_2xx_stays_with_its_Accepted_transaction_until_Timer_M_then_is_stray()
    {
        await using var stack = Stack();
        var stray = 0;
        stack.StrayResponse += (_, _) => stray++;
        var invite = Invite(9);
        var tx = stack.SendInvite(invite, new SipEndPoint(SipTransportProtocol.Udp, Peer));
        var again = 0;
        tx.SuccessRetransmitted += _ => again++;
        var ok = TransactionTestMessages.Response(invite, 200);

        _transport.Receive(ok, Peer);
        _transport.Receive(ok, Peer);
        Assert.Equal((1, 0, 1), (again, stray, stack.ClientTransactions)); // RFC 6026 §8.4

        _time.Advance(TimeSpan.FromSeconds(32)); // Timer M
        for (var i = 0; i < 100 && stack.ClientTransactions > 0; i++) await Task.Delay(5); // Terminated is raised off the timer's thread
        _transport.Receive(ok, Peer);
        Assert.Equal((1, 1, 0), (again, stray, stack.ClientTransactions));
    }
}
