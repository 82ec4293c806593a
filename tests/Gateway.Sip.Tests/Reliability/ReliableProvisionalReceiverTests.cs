using Gateway.Sip.Messages;
using Gateway.Sip.Reliability;
using static Gateway.Sip.Tests.Transactions.TransactionTestMessages;

namespace Gateway.Sip.Tests.Reliability;

/// <summary>RFC 3262 §4: PRACK each reliable provisional in order with its RAck, discard retransmissions and gaps, per early dialog.</summary>
public sealed class ReliableProvisionalReceiverTests
{
    private readonly SipRequest _invite = Request("INVITE");

    private SipResponse Reliable(int code, uint rseq, string toTag = "b1")
    {
        var response = SipResponse.CreateFor(_invite, code, toTag: toTag);
        response.AddHeader("Require", "100rel");
        response.AddHeader("RSeq", rseq.ToString());
        response.AddHeader("Contact", "<sip:uas-" + toTag + "@127.0.0.1:5090>");
        return response;
    }

    [Fact]
    public void A_provisional_without_Require_100rel_is_unreliable()
    {
        var receiver = new ReliableProvisionalReceiver(_invite);
        var plain = Response(_invite, 180);
        plain.AddHeader("RSeq", "5");
        Assert.Equal(ProvisionalVerdict.Unreliable, receiver.Receive(plain, out var prack));
        Assert.Null(prack);
        Assert.Equal(ProvisionalVerdict.Unreliable, receiver.Receive(Response(_invite, 100), out _));
    }

    [Fact]
    public void The_PRACK_goes_in_the_early_dialog_with_the_RAck()
    {
        var receiver = new ReliableProvisionalReceiver(_invite);
        Assert.Equal(ProvisionalVerdict.Acknowledge, receiver.Receive(Reliable(183, 776656), out var prack));
        Assert.Equal("PRACK", prack!.Method);
        Assert.Equal("776656 1 INVITE", prack.GetHeader("RAck"));
        Assert.Equal("2 PRACK", prack.GetHeader("CSeq"));
        Assert.Equal("sip:uas-b1@127.0.0.1:5090", prack.RequestUri.ToString());
        Assert.Equal("b1", prack.To!.Tag);
        Assert.Equal("a1", prack.From!.Tag);
        Assert.Equal(_invite.CallId, prack.CallId);
        Assert.Equal(2u, receiver.LocalCSeq("b1"));
    }

    [Fact]
    public void In_order_responses_are_acknowledged_retransmissions_and_gaps_are_not()
    {
        var receiver = new ReliableProvisionalReceiver(_invite);
        Assert.Equal(ProvisionalVerdict.Acknowledge, receiver.Receive(Reliable(180, 10), out _));
        Assert.Equal(ProvisionalVerdict.Retransmission, receiver.Receive(Reliable(180, 10), out var none));
        Assert.Null(none);
        Assert.Equal(ProvisionalVerdict.OutOfOrder, receiver.Receive(Reliable(183, 12), out _));
        Assert.Equal(ProvisionalVerdict.Acknowledge, receiver.Receive(Reliable(183, 11), out var second));
        Assert.Equal("11 1 INVITE", second!.GetHeader("RAck"));
        Assert.Equal("3 PRACK", second.GetHeader("CSeq"));
        Assert.Equal(ProvisionalVerdict.Acknowledge, receiver.Receive(Reliable(183, 12), out _));
        Assert.Equal(4u, receiver.LocalCSeq("b1"));
    }

    [Fact]
    public void Each_early_dialog_of_a_forked_INVITE_has_its_own_sequence()
    {
        var receiver = new ReliableProvisionalReceiver(_invite);
        Assert.Equal(ProvisionalVerdict.Acknowledge, receiver.Receive(Reliable(180, 10, "b1"), out _));
        Assert.Equal(ProvisionalVerdict.Acknowledge, receiver.Receive(Reliable(180, 500, "b2"), out var other));
        Assert.Equal("b2", other!.To!.Tag);
        Assert.Equal("2 PRACK", other.GetHeader("CSeq"));
        Assert.Null(receiver.LocalCSeq("b3"));
    }

    [Fact]
    public void The_early_dialogs_are_bounded()
    {
        var receiver = new ReliableProvisionalReceiver(_invite);
        for (var i = 0; i < ReliableProvisionalReceiver.MaxEarlyDialogs; i++)
            Assert.Equal(ProvisionalVerdict.Acknowledge, receiver.Receive(Reliable(180, 1, "t" + i), out _));
        Assert.Equal(ProvisionalVerdict.Malformed, receiver.Receive(Reliable(180, 1, "extra"), out _));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("0")]
    [InlineData(null)]
    public void A_reliable_provisional_with_a_bad_RSeq_is_discarded(string? rseq)
    {
        var receiver = new ReliableProvisionalReceiver(_invite);
        var response = SipResponse.CreateFor(_invite, 183, toTag: "b1");
        response.AddHeader("Require", "100rel");
        if (rseq is not null) response.AddHeader("RSeq", rseq);
        Assert.Equal(ProvisionalVerdict.Malformed, receiver.Receive(response, out _));
        var noTag = SipResponse.CreateFor(_invite, 183);
        noTag.AddHeader("Require", "100rel");
        noTag.AddHeader("RSeq", "1");
        Assert.Equal(ProvisionalVerdict.Malformed, receiver.Receive(noTag, out _));
    }
}
