using Gateway.Sip.Messages;
using Gateway.Sip.Reliability;
using Gateway.Sip.Tests.Transactions;
using static Gateway.Sip.Tests.Transactions.TransactionTestMessages;

namespace Gateway.Sip.Tests.Reliability;

/// <summary>RFC 3262 §3 on a manual clock: RSeq, retransmission at T1 doubling until the PRACK, 64*T1, 2xx after the PRACK.</summary>
public sealed class ReliableProvisionalSenderTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly List<SipResponse> _sent = [];
    private readonly SipRequest _invite = Request("INVITE");

    private ReliableProvisionalSender Create() => new(_invite, _sent.Add, _time, initialRSeq: 100);

    private SipRequest Prack(uint rseq, uint cseq = 1, string method = "INVITE")
    {
        var prack = Request("PRACK", "z9hG4bKpr" + rseq);
        prack.SetHeader("RAck", $"{rseq} {cseq} {method}");
        return prack;
    }

    private static SipResponse WithSdp(SipResponse response)
    {
        response.SetHeader("Content-Type", "application/sdp");
        response.Body = "v=0\r\n"u8.ToArray();
        return response;
    }

    [Fact]
    public void A_reliable_provisional_carries_Require_100rel_and_the_next_RSeq()
    {
        var sender = Create();
        sender.Send(Response(_invite, 180));
        sender.Send(Response(_invite, 183));
        Assert.True(sender.OnPrack(Prack(100)));
        Assert.Equal(["100", "101"], _sent.Select(r => r.GetHeader("RSeq")));
        Assert.All(_sent, r => Assert.Equal("100rel", r.GetHeader("Require")));
    }

    [Fact]
    public void Retransmits_at_T1_doubling_until_the_PRACK()
    {
        var sender = Create();
        sender.Send(Response(_invite, 180));
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Single(_sent);
        _time.Advance(TimeSpan.FromMilliseconds(1)); // T1
        _time.Advance(TimeSpan.FromMilliseconds(1000)); // 2*T1
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(3, _sent.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1)); // 4*T1
        Assert.Equal(4, _sent.Count);
        Assert.True(sender.OnPrack(Prack(100)));
        Assert.Null(sender.Unacknowledged);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(4, _sent.Count);
    }

    [Fact]
    public void Gives_up_after_64_T1_without_a_PRACK()
    {
        var sender = Create();
        var gaveUp = 0;
        sender.GaveUp += () => gaveUp++;
        sender.Send(Response(_invite, 180));
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(0, gaveUp);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, gaveUp);
        // 0.5 + 1 + 2 + 4 + 8 + 16 = 31.5 s: the original and six retransmissions.
        Assert.Equal(6, _sent.Count - 1);
        sender.SendFinal(Response(_invite, 200));
        sender.SendFinal(Response(_invite, 500));
        Assert.Equal(500, _sent[^1].StatusCode);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(1, gaveUp);
    }

    [Theory]
    [InlineData(101u, 1u, "INVITE")]
    [InlineData(100u, 2u, "INVITE")]
    [InlineData(100u, 1u, "UPDATE")]
    public void A_PRACK_that_names_another_response_does_not_match(uint rseq, uint cseq, string method)
    {
        var sender = Create();
        sender.Send(Response(_invite, 180));
        Assert.False(sender.OnPrack(Prack(rseq, cseq, method)));
        Assert.Equal(100u, sender.Unacknowledged);
        var noRack = Request("PRACK", "z9hG4bKnorack");
        Assert.False(sender.OnPrack(noRack));
    }

    [Fact]
    public void A_PRACK_with_nothing_unacknowledged_does_not_match()
    {
        var sender = Create();
        Assert.False(sender.OnPrack(Prack(100)));
        sender.Send(Response(_invite, 180));
        Assert.True(sender.OnPrack(Prack(100)));
        Assert.False(sender.OnPrack(Prack(100)));
    }

    [Fact]
    public void A_second_reliable_provisional_waits_for_the_first_PRACK()
    {
        var sender = Create();
        sender.Send(Response(_invite, 180));
        sender.Send(Response(_invite, 183));
        Assert.Single(_sent);
        Assert.True(sender.OnPrack(Prack(100)));
        Assert.Equal(183, _sent[^1].StatusCode);
        Assert.Equal(101u, sender.Unacknowledged);
    }

    [Fact]
    public void The_queue_behind_an_unacknowledged_provisional_is_bounded()
    {
        var sender = Create();
        Assert.True(sender.Send(Response(_invite, 180)));
        for (var i = 0; i < ReliableProvisionalSender.MaxQueued; i++) Assert.True(sender.Send(Response(_invite, 183)));
        Assert.False(sender.Send(Response(_invite, 183)));
    }

    [Fact]
    public void A_2xx_waits_for_the_PRACK_of_a_provisional_with_a_session_description()
    {
        var sender = Create();
        sender.Send(WithSdp(Response(_invite, 183)));
        sender.SendFinal(Response(_invite, 200));
        Assert.Single(_sent);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(183, _sent[^1].StatusCode); // still retransmitted while the 2xx waits
        Assert.True(sender.OnPrack(Prack(100)));
        Assert.Equal(200, _sent[^1].StatusCode);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(3, _sent.Count);
    }

    [Fact]
    public void A_2xx_goes_at_once_after_a_provisional_without_a_session_description_and_stops_its_retransmissions()
    {
        var sender = Create();
        sender.Send(Response(_invite, 180));
        sender.Send(Response(_invite, 183));
        sender.SendFinal(Response(_invite, 200));
        Assert.Equal([180, 200], _sent.Select(r => r.StatusCode));
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(2, _sent.Count);
        Assert.False(sender.Send(Response(_invite, 180)));
    }

    [Fact]
    public void A_non_2xx_final_goes_at_once_even_with_an_offer_unacknowledged()
    {
        var sender = Create();
        sender.Send(WithSdp(Response(_invite, 183)));
        sender.SendFinal(Response(_invite, 487));
        Assert.Equal(487, _sent[^1].StatusCode);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(2, _sent.Count);
    }

    [Fact]
    public void Knows_whether_an_INVITE_supports_or_requires_100rel()
    {
        var invite = Request("INVITE");
        Assert.False(ReliableProvisionalSender.IsSupportedBy(invite));
        invite.AddHeader("Supported", "timer, 100rel");
        Assert.True(ReliableProvisionalSender.IsSupportedBy(invite));
        Assert.False(ReliableProvisionalSender.IsRequiredBy(invite));
        invite.AddHeader("Require", "100REL");
        Assert.True(ReliableProvisionalSender.IsRequiredBy(invite));
    }
}
