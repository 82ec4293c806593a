using Gateway.Sip.Messages;
using Gateway.Sip.Transactions;
using static Gateway.Sip.Tests.Transactions.TransactionTestMessages;

namespace Gateway.Sip.Tests.Transactions;

public sealed class ClientTransactionTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void InviteTimerARetransmitsWithDoublingUntilAProvisional()
    {
        var sender = new RecordingSender();
        var tx = new InviteClientTransaction(Request("INVITE"), sender, _time);
        tx.Start();
        _time.Advance(TimeSpan.FromMilliseconds(500));  // A fires at T1
        _time.Advance(TimeSpan.FromMilliseconds(1000)); // then 2*T1
        _time.Advance(TimeSpan.FromMilliseconds(2000)); // then 4*T1
        Assert.Equal(4, sender.CountRequests("INVITE"));
        tx.OnResponse(Response(tx.Request, 180));
        Assert.Equal(TransactionState.Proceeding, tx.State);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(4, sender.CountRequests("INVITE"));
    }

    [Fact]
    public async Task InviteTimerBSynthesizes408()
    {
        var tx = new InviteClientTransaction(Request("INVITE"), new RecordingSender(), _time);
        tx.Start();
        _time.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(408, (await tx.FinalResponse).StatusCode);
        Assert.Equal(TransactionState.Terminated, tx.State);
    }

    [Fact]
    public void InviteOverReliableTransportIsNotRetransmitted()
    {
        var sender = new RecordingSender(reliable: true);
        var tx = new InviteClientTransaction(Request("INVITE"), sender, _time);
        tx.Start();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, sender.CountRequests("INVITE"));
    }

    [Fact]
    public async Task InviteNon2xxIsAcknowledgedAndRetransmissionsAbsorbedUntilTimerD()
    {
        var sender = new RecordingSender();
        var tx = new InviteClientTransaction(Request("INVITE"), sender, _time);
        tx.Start();
        var busy = Response(tx.Request, 486);
        tx.OnResponse(busy);
        Assert.Equal(486, (await tx.FinalResponse).StatusCode);
        Assert.Equal(TransactionState.Completed, tx.State);
        var ack = sender.Sent.OfType<SipRequest>().Single(r => r.Method == "ACK");
        Assert.Equal(tx.Request.TopVia!.Branch, ack.TopVia!.Branch);
        Assert.Equal("b1", ack.To!.Tag);
        Assert.Equal(new CSeqValue(1, "ACK"), ack.CSeq);

        tx.OnResponse(busy);
        Assert.Equal(2, sender.CountRequests("ACK"));
        _time.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(TransactionState.Terminated, tx.State);
    }

    [Fact]
    public async Task Invite2xxIsPassedUpWithoutAckAndAcceptedAbsorbsRetransmissionsUntilTimerM()
    {
        var sender = new RecordingSender();
        var tx = new InviteClientTransaction(Request("INVITE"), sender, _time);
        var again = new List<SipResponse>();
        tx.SuccessRetransmitted += again.Add;
        tx.Start();
        tx.OnResponse(Response(tx.Request, 200));
        Assert.Equal(200, (await tx.FinalResponse).StatusCode);
        Assert.Equal(TransactionState.Accepted, tx.State); // RFC 6026 §8.4
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, sender.CountRequests("INVITE")); // Timer A stopped
        tx.OnResponse(Response(tx.Request, 200));
        var fork = SipResponse.CreateFor(tx.Request, 200, toTag: "b2");
        tx.OnResponse(fork);
        tx.OnResponse(Response(tx.Request, 180)); // nothing but 2xx counts in Accepted
        Assert.Equal(2, again.Count);
        Assert.Equal("b2", again[1].To!.Tag);
        Assert.Equal(0, sender.CountRequests("ACK")); // the TU acknowledges 2xx
        sender.Fail();
        Assert.Equal(TransactionState.Accepted, tx.State);
        _time.Advance(TimeSpan.FromSeconds(27)); // Timer M: 64*T1 = 32 s after the 2xx
        Assert.Equal(TransactionState.Terminated, tx.State);
        tx.OnResponse(Response(tx.Request, 200));
        Assert.Equal(2, again.Count);
    }

    [Fact]
    public async Task TransportErrorGives503()
    {
        var sender = new RecordingSender();
        var tx = new InviteClientTransaction(Request("INVITE"), sender, _time);
        tx.Start();
        sender.Fail();
        Assert.Equal(503, (await tx.FinalResponse).StatusCode);
    }

    [Fact]
    public void NonInviteTimerECapsAtT2AndUsesT2InProceeding()
    {
        var sender = new RecordingSender();
        var tx = new NonInviteClientTransaction(Request("OPTIONS"), sender, _time);
        tx.Start();
        // E: 0.5, 1, 2, 4, 4 s
        foreach (var ms in new[] { 500, 1000, 2000, 4000, 4000 }) _time.Advance(TimeSpan.FromMilliseconds(ms));
        Assert.Equal(6, sender.CountRequests("OPTIONS"));
        tx.OnResponse(Response(tx.Request, 100));
        Assert.Equal(TransactionState.Proceeding, tx.State);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(7, sender.CountRequests("OPTIONS"));
    }

    [Fact]
    public async Task NonInviteTimerFSynthesizes408()
    {
        var tx = new NonInviteClientTransaction(Request("BYE"), new RecordingSender(), _time);
        tx.Start();
        _time.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(408, (await tx.FinalResponse).StatusCode);
        Assert.Equal(TransactionState.Terminated, tx.State);
    }

    [Fact]
    public async Task NonInviteFinalResponseCompletesThenTimerKTerminates()
    {
        var sender = new RecordingSender();
        var tx = new NonInviteClientTransaction(Request("BYE"), sender, _time);
        tx.Start();
        tx.OnResponse(Response(tx.Request, 200));
        Assert.Equal(200, (await tx.FinalResponse).StatusCode);
        Assert.Equal(TransactionState.Completed, tx.State);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(TransactionState.Terminated, tx.State);
        Assert.Equal(1, sender.CountRequests("BYE"));
    }
}
