using Gateway.Sip.Messages;

namespace Gateway.Sip.Tests.Messages;

public sealed class SessionExpiresValueTests
{
    [Theory]
    [InlineData("1800", 1800u, null)]
    [InlineData("90;refresher=uac", 90u, "uac")]
    [InlineData(" 4000 ; refresher=UAS ; x=1", 4000u, "uas")]
    public void Parses_delta_and_refresher(string value, uint delta, string? refresher)
    {
        Assert.True(SessionExpiresValue.TryParse(value, out var se));
        Assert.Equal(delta, se.DeltaSeconds);
        Assert.Equal(refresher, se.Refresher);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("90;refresher=proxy")]
    [InlineData("99999999999")]
    [InlineData("90 garbage")]
    public void Refuses_malformed_values(string? value) => Assert.False(SessionExpiresValue.TryParse(value, out _));

    [Fact]
    public void Finds_an_option_tag_in_a_list()
    {
        var request = SipRequest.Create(SipMethods.Invite, SipUri.Parse("sip:a@b"));
        request.AddHeader("Supported", "100rel, timer");
        Assert.True(SessionExpiresValue.ListsOption(request, "Supported", "timer"));
        Assert.False(SessionExpiresValue.ListsOption(request, "Require", "timer"));
    }
}
