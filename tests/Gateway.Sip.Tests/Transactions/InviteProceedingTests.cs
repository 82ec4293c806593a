using Gateway.Sip.Transactions;
using static Gateway.Sip.Tests.Transactions.TransactionTestMessages;

namespace Gateway.Sip.Tests.Transactions;

public sealed class InviteProceedingTests
{
    [Fact]
    public async Task TimerBDoesNotEndARingingInvite()
    {
        // RFC 3261 §17.1.1.2: Timer B only bounds the Calling state; a ringing INVITE lasts until the TU cancels it.
        var time = new ManualTimeProvider();
        var tx = new InviteClientTransaction(Request("INVITE"), new RecordingSender(), time);
        tx.Start();
        tx.OnResponse(Response(tx.Request, 180));
        time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(TransactionState.Proceeding, tx.State);
        Assert.False(tx.FinalResponse.IsCompleted);
        tx.OnResponse(Response(tx.Request, 487));
        Assert.Equal(487, (await tx.FinalResponse).StatusCode);
    }
}
