using Gateway.Sip.Transactions;
using static Gateway.Sip.Tests.Transactions.TransactionTestMessages;

namespace Gateway.Sip.Tests.Transactions;

public sealed class ServerTransactionTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void InviteServerSendsTryingAfter200MsWithoutAnAnswer()
    {
        var sender = new RecordingSender();
        _ = new InviteServerTransaction(Request("INVITE"), sender, _time);
        _time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.Equal(0, sender.CountResponses(100));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, sender.CountResponses(100));
    }

    [Fact]
    public void InviteServerRetransmitsLastProvisionalOnRetransmittedInvite()
    {
        var sender = new RecordingSender();
        var tx = new InviteServerTransaction(Request("INVITE"), sender, _time);
        tx.Respond(Response(tx.Request, 180));
        tx.OnRequest(tx.Request);
        Assert.Equal(2, sender.CountResponses(180));
        Assert.Equal(0, sender.CountResponses(100));
    }

    [Fact]
    public void InviteServerNon2xxRetransmitsOnTimerGUntilAckThenTimerI()
    {
        var sender = new RecordingSender();
        var tx = new InviteServerTransaction(Request("INVITE"), sender, _time);
        tx.Respond(Response(tx.Request, 486));
        Assert.Equal(TransactionState.Completed, tx.State);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(3, sender.CountResponses(486));
        tx.OnRequest(Request("ACK"));
        Assert.Equal(TransactionState.Confirmed, tx.State);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, sender.CountResponses(486));
        Assert.Equal(TransactionState.Terminated, tx.State);
    }

    [Fact]
    public void InviteServerTimerHFiresWhenTheAckNeverComes()
    {
        var tx = new InviteServerTransaction(Request("INVITE"), new RecordingSender(), _time);
        var timedOut = false;
        tx.AckTimeout += _ => timedOut = true;
        tx.Respond(Response(tx.Request, 503));
        _time.Advance(TimeSpan.FromSeconds(32));
        Assert.True(timedOut);
        Assert.Equal(TransactionState.Terminated, tx.State);
    }

    [Fact]
    public void InviteServer2xxIsRetransmittedUntilTheAckThenTimerLTerminates()
    {
        var sender = new RecordingSender();
        var tx = new InviteServerTransaction(Request("INVITE"), sender, _time);
        var timedOut = false;
        tx.AckTimeout += _ => timedOut = true;
        tx.Respond(Response(tx.Request, 200));
        Assert.Equal(TransactionState.Accepted, tx.State);
        tx.OnRequest(tx.Request); // RFC 6026: an INVITE retransmission is absorbed in Accepted
        _time.Advance(TimeSpan.FromMilliseconds(500));
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(3, sender.CountResponses(200));
        tx.OnAckFor2xx();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, sender.CountResponses(200));
        _time.Advance(TimeSpan.FromSeconds(22));
        Assert.Equal(TransactionState.Terminated, tx.State);
        Assert.False(timedOut);
    }

    [Fact]
    public void InviteServerTimerLReportsAMissingAckFor2xx()
    {
        var tx = new InviteServerTransaction(Request("INVITE"), new RecordingSender(reliable: true), _time);
        var timedOut = false;
        tx.AckTimeout += _ => timedOut = true;
        tx.Respond(Response(tx.Request, 200));
        _time.Advance(TimeSpan.FromSeconds(32));
        Assert.True(timedOut);
        Assert.Equal(TransactionState.Terminated, tx.State);
    }

    [Fact]
    public void NonInviteServerAbsorbsRetransmissionsUntilTimerJ()
    {
        var sender = new RecordingSender();
        var tx = new NonInviteServerTransaction(Request("BYE"), sender, _time);
        tx.OnRequest(tx.Request);
        Assert.Empty(sender.Sent);
        tx.Respond(Response(tx.Request, 200));
        tx.OnRequest(tx.Request);
        Assert.Equal(2, sender.CountResponses(200));
        _time.Advance(TimeSpan.FromSeconds(32));
        Assert.Equal(TransactionState.Terminated, tx.State);
    }

    [Fact]
    public void NonInviteServerOverReliableTransportTerminatesOnFinal()
    {
        var tx = new NonInviteServerTransaction(Request("OPTIONS"), new RecordingSender(reliable: true), _time);
        tx.Respond(Response(tx.Request, 200));
        Assert.Equal(TransactionState.Terminated, tx.State);
    }

    [Fact]
    public void KeysMatchAckToInviteAndCancelToItsInvite()
    {
        Assert.True(TransactionKey.TryForRequest(Request("INVITE"), out var invite));
        Assert.True(TransactionKey.TryForRequest(Request("ACK"), out var ack));
        Assert.True(TransactionKey.TryForRequest(Request("CANCEL"), out var cancel));
        Assert.Equal(invite, ack);
        Assert.NotEqual(invite, cancel);
        Assert.Equal(invite, cancel.ForCancelled);
        Assert.True(TransactionKey.TryForResponse(Response(Request("INVITE"), 180), out var response));
        Assert.Equal(invite, response);
    }
}
