using Gateway.Sip.Identity;
using Gateway.Sip.Messages;
using static Gateway.Sip.Tests.Transactions.TransactionTestMessages;

namespace Gateway.Sip.Tests.Identity;

/// <summary>RFC 3325 identity headers, RFC 3323 privacy, user=phone (RFC 3261 §19.1.1), Diversion (RFC 5806) and History-Info (RFC 7044).</summary>
public sealed class IdentityHeadersTests
{
    [Theory]
    [InlineData("+441632960000", true)]
    [InlineData("1000", true)]
    [InlineData("+", false)]
    [InlineData("", false)]
    [InlineData("alice", false)]
    [InlineData("+44-1632", false)]
    public void A_telephone_number_is_an_optional_plus_and_digits(string user, bool number) =>
        Assert.Equal(number, IdentityHeaders.IsTelephoneNumber(user));

    [Fact]
    public void User_phone_goes_only_on_telephone_numbers()
    {
        Assert.Equal("sip:+441632960000@carrier.example;user=phone", IdentityHeaders.Uri("+441632960000", "carrier.example", userPhone: true));
        Assert.Equal("sip:alice@carrier.example", IdentityHeaders.Uri("alice", "carrier.example", userPhone: true));
        Assert.Equal("sip:+441632960000@carrier.example", IdentityHeaders.Uri("+441632960000", "carrier.example", userPhone: false));
    }

    [Theory]
    [InlineData("sip:+14155550100@192.0.2.1:5060", "sip:+14155550100@192.0.2.1:5060;user=phone")]
    [InlineData("sip:+14155550100@192.0.2.1;transport=tcp", "sip:+14155550100@192.0.2.1;transport=tcp;user=phone")]
    [InlineData("sip:+14155550100@192.0.2.1;user=phone", "sip:+14155550100@192.0.2.1;user=phone")]
    [InlineData("sip:bob@192.0.2.1", "sip:bob@192.0.2.1")]
    public void A_Request_URI_gets_user_phone_once(string uri, string expected) =>
        Assert.Equal(expected, IdentityHeaders.WithUserPhone(SipUri.Parse(uri)).ToString());

    [Fact]
    public void Diversion_and_History_Info_name_the_transferor()
    {
        Assert.Equal("<sip:+441632960000@192.0.2.9>;reason=unconditional;counter=1", IdentityHeaders.Diversion("sip:+441632960000@192.0.2.9"));
        var history = IdentityHeaders.HistoryInfo("sip:+441632960000@192.0.2.9", "sip:+14155550123@192.0.2.1");
        Assert.Equal("<sip:+441632960000@192.0.2.9>;index=1,<sip:+14155550123@192.0.2.1>;index=1.1;mp=1", history);
        var entries = new List<NameAddress>();
        Assert.True(NameAddress.TryParseList(history, entries));
        Assert.Equal(["1", "1.1"], entries.Select(e => e.GetParameter("index")));
    }

    [Fact]
    public void The_anonymous_From_parses()
    {
        Assert.True(NameAddress.TryParse(IdentityHeaders.AnonymousFrom + ";tag=x", out var from));
        Assert.Equal("anonymous.invalid", from!.Uri.Host);
    }

    private static SipRequest Invite(params (string Name, string Value)[] headers)
    {
        var invite = Request("INVITE");
        invite.SetHeader("From", "\"Front desk\" <sip:+441632960000@192.0.2.9>;tag=a1");
        foreach (var (name, value) in headers) invite.AddHeader(name, value);
        return invite;
    }

    [Fact]
    public void A_trusted_sender_presents_the_asserted_identity()
    {
        var invite = Invite(("P-Asserted-Identity", "\"Reception\" <sip:+441632960001@carrier.example>, <tel:+441632960001>"));
        Assert.Equal(new PresentedCaller("+441632960001", "Reception"), PresentedCaller.Of(invite, trusted: true));
        Assert.Equal(new PresentedCaller("+441632960000", "Front desk"), PresentedCaller.Of(invite, trusted: false));
    }

    [Fact]
    public void A_tel_URI_in_PAI_gives_its_number_and_the_From_display_name()
    {
        var invite = Invite(("P-Asserted-Identity", "<tel:+441632960002>"));
        Assert.Equal(new PresentedCaller("+441632960002", "Front desk"), PresentedCaller.Of(invite, trusted: true));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("header;id")]
    [InlineData("ID ; critical")]
    public void Privacy_id_from_a_trusted_sender_is_anonymous(string privacy)
    {
        var invite = Invite(("P-Asserted-Identity", "<sip:+441632960001@carrier.example>"), ("Privacy", privacy));
        Assert.Equal(PresentedCaller.Anonymous, PresentedCaller.Of(invite, trusted: true));
    }

    [Theory]
    [InlineData("not a uri <<")]
    [InlineData("<mailto:x@example.com>")]
    public void A_PAI_that_names_no_caller_falls_back_to_From(string pai)
    {
        var invite = Invite(("P-Asserted-Identity", pai));
        Assert.Equal("+441632960000", PresentedCaller.Of(invite, trusted: true).User);
    }
}
