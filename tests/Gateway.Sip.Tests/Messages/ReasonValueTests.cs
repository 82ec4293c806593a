using Gateway.Sip.Messages;

namespace Gateway.Sip.Tests.Messages;

/// <summary>RFC 3326 §2 Reason values, and the fork's "completed elsewhere" (RFC 3261 §9.1).</summary>
public sealed class ReasonValueTests
{
    [Theory]
    [InlineData("SIP ;cause=200 ;text=\"Call completed elsewhere\"", "SIP", 200, "Call completed elsewhere")]
    [InlineData("Q.850;cause=16;text=\"Terminated\"", "Q.850", 16, "Terminated")]
    [InlineData("SIP", "SIP", null, null)]
    [InlineData("SIP;cause=600;x-y=z", "SIP", 600, null)]
    public void Parses_one_value(string header, string protocol, int? cause, string? text)
    {
        var values = new List<ReasonValue>();
        Assert.True(ReasonValue.TryParseAll(header, values));
        Assert.Equal(new ReasonValue(protocol, cause, text), Assert.Single(values));
    }

    [Fact]
    public void Parses_a_list()
    {
        var values = new List<ReasonValue>();
        Assert.True(ReasonValue.TryParseAll("Q.850;cause=16, SIP;cause=200;text=\"x, y\"", values));
        Assert.Equal([new ReasonValue("Q.850", 16, null), new ReasonValue("SIP", 200, "x, y")], values);
        Assert.True(values[1].IsCompletedElsewhere);
    }

    [Theory]
    [InlineData("")]
    [InlineData(";cause=200")]
    [InlineData("SIP;cause=200 junk")]
    [InlineData("SIP;text=\"unterminated")]
    [InlineData("SIP,")]
    public void Refuses_malformed_values(string header)
    {
        var values = new List<ReasonValue>();
        Assert.False(ReasonValue.TryParseAll(header, values));
        Assert.Empty(values);
    }

    [Fact]
    public void A_cancel_with_sip_cause_200_says_completed_elsewhere()
    {
        var cancel = SipRequest.Create(SipMethods.Cancel, SipUri.Parse("sip:alice@127.0.0.1"));
        Assert.False(ReasonValue.SaysCompletedElsewhere(cancel));
        cancel.AddHeader("Reason", "Q.850;cause=16");
        Assert.False(ReasonValue.SaysCompletedElsewhere(cancel));
        cancel.AddHeader("Reason", "SIP;cause=200;text=\"Call completed elsewhere\"");
        Assert.True(ReasonValue.SaysCompletedElsewhere(cancel));
    }
}
