using Gateway.Sip.Messages;
using Gateway.Sip.Registration;

namespace Gateway.Sip.Tests.Registration;

/// <summary>RFC 3261 §10.2.4 / §10.3 step 8: the expiry a 2xx grants, the refresh moment, Retry-After and Min-Expires values.</summary>
public sealed class RegistrationTimingTests
{
    private static readonly SipUri Ours = SipUri.Parse("sip:gw@192.0.2.10:5070");

    private static SipResponse Ok(params (string Name, string Value)[] headers)
    {
        var request = SipRequest.Create(SipMethods.Register, SipUri.Parse("sip:carrier.example"));
        request.AddHeader(SipHeaderNames.Via, "SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bK1");
        request.AddHeader(SipHeaderNames.CSeq, "1 REGISTER");
        var ok = SipResponse.CreateFor(request, 200);
        foreach (var (name, value) in headers) ok.AddHeader(name, value);
        return ok;
    }

    [Fact]
    public void Our_contacts_expires_parameter_wins_over_others_and_the_Expires_header()
    {
        var ok = Ok((SipHeaderNames.Contact, "<sip:other@198.51.100.1>;expires=10, <sip:gw@192.0.2.10:5070>;expires=300"), (SipHeaderNames.Expires, "900"));
        Assert.Equal(TimeSpan.FromSeconds(300), RegistrationTiming.Granted(ok, Ours, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Without_our_contact_the_Expires_header_then_the_request_counts()
    {
        Assert.Equal(TimeSpan.FromSeconds(900), RegistrationTiming.Granted(Ok((SipHeaderNames.Expires, "900")), Ours, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromHours(1), RegistrationTiming.Granted(Ok(), Ours, TimeSpan.FromHours(1)));
        Assert.Null(RegistrationTiming.Granted(Ok((SipHeaderNames.Contact, "<sip:gw@192.0.2.10:5070>;expires=0")), Ours, TimeSpan.FromHours(1)));
        Assert.Equal(RegistrationTiming.MaxExpires, RegistrationTiming.Granted(Ok((SipHeaderNames.Expires, "4000000000")), Ours, TimeSpan.FromHours(1)));
    }

    [Theory]
    [InlineData(3600, 1800)]
    [InlineData(60, 30)]
    [InlineData(3, 1.5)]
    [InlineData(0.2, 0.5)]
    public void Refresh_is_at_half_the_granted_expiry(double granted, double refresh) =>
        Assert.Equal(TimeSpan.FromSeconds(refresh), RegistrationTiming.RefreshDelay(TimeSpan.FromSeconds(granted)));

    [Theory]
    [InlineData("120", 120)]
    [InlineData(" 30 ;duration=60", 30)]
    [InlineData("18000 (in maintenance)", 18000)]
    [InlineData("soon", null)]
    [InlineData("", null)]
    [InlineData("99999999999", null)]
    public void Delta_seconds_are_read_leniently(string value, int? seconds) =>
        Assert.Equal(seconds is null ? null : TimeSpan.FromSeconds(seconds.Value), RegistrationTiming.Seconds(value));
}
