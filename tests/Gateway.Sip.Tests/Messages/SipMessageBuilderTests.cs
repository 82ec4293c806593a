using Gateway.Sip.Messages;

namespace Gateway.Sip.Tests.Messages;

public sealed class SipMessageBuilderTests
{
    [Fact]
    public void ResponseCopiesTheHeadersOf826AndAddsAToTag()
    {
        var invite = SipTestMessages.Invite();
        var ringing = SipResponse.CreateFor(invite, 180, toTag: "xyz");
        Assert.Equal("Ringing", ringing.ReasonPhrase);
        Assert.Equal(invite.CallId, ringing.CallId);
        Assert.Equal(invite.CSeq, ringing.CSeq);
        Assert.Equal(invite.TopVia!.Branch, ringing.TopVia!.Branch);
        Assert.Equal("xyz", ringing.To!.Tag);
        Assert.Equal(invite.From!.Tag, ringing.From!.Tag);
        Assert.Null(ringing.GetHeader("Contact"));

        Assert.True(SipMessage.TryParse(ringing.ToArray(), out var reparsed, out var e), e?.ToString());
        Assert.Equal(180, ((SipResponse)reparsed!).StatusCode);
        Assert.Equal("0", reparsed.GetHeader("l"));
    }

    [Theory]
    [InlineData(180, null, true)]
    [InlineData(200, null, true)]
    [InlineData(100, null, false)] // not dialog-creating
    [InlineData(486, null, false)]
    [InlineData(200, "established", false)] // in-dialog: the route set is fixed already (§12.2)
    public void ResponseCopiesRecordRouteOnlyWhenItCanEstablishADialog(int status, string? toTag, bool copied)
    {
        var invite = SipTestMessages.Invite();
        invite.AddHeader("Record-Route", "<sip:p1.example.com;lr;ftag=1>");
        invite.AddHeader("Record-Route", "<sip:p2.example.com;lr>");
        if (toTag is not null) invite.SetHeader("To", invite.To!.WithTag(toTag).ToString());
        var response = SipResponse.CreateFor(invite, status, toTag: "xyz");
        // §12.1.1: every value, parameters and order kept.
        Assert.Equal(copied ? ["<sip:p1.example.com;lr;ftag=1>", "<sip:p2.example.com;lr>"] : [], response.GetHeaders("Record-Route"));
    }

    [Fact]
    public void RequestBuiltFromPartsSerializesAndParses()
    {
        var request = SipRequest.Create(SipMethods.Options, SipUri.Create("sip", "bob", "127.0.0.1", 5080));
        request.AddHeader("v", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc;rport");
        request.AddHeader("Max-Forwards", "70");
        request.AddHeader("From", new NameAddress(SipUri.Parse("sip:gw@127.0.0.1"), "\"Gateway\"").WithTag("t1").ToString());
        request.AddHeader("To", "<sip:bob@127.0.0.1:5080>");
        request.AddHeader("i", "call-1");
        request.AddHeader("CSeq", "1 OPTIONS");
        request.Body = "hello"u8.ToArray();

        Assert.Equal("Via", request.Headers[0].Name);
        Assert.True(request.TopVia!.HasRport);
        Assert.True(SipMessage.TryParse(request.ToArray(), out var parsed, out var error), error?.ToString());
        var r = (SipRequest)parsed!;
        Assert.Equal("OPTIONS", r.Method);
        Assert.Equal(5080, r.RequestUri.Port);
        Assert.Equal("Gateway", r.From!.DisplayText);
        Assert.Equal("t1", r.From.Tag);
        Assert.Equal("hello"u8.ToArray(), r.Body.ToArray());
        Assert.Null(SipMessageValidator.Validate(r));
    }

    [Fact]
    public void SetPrependAndRemoveHeaders()
    {
        var m = SipTestMessages.Invite();
        m.PrependHeader("Via", "SIP/2.0/TCP proxy.example.com;branch=z9hG4bKproxy");
        Assert.Equal("proxy.example.com", m.TopVia!.Host);
        Assert.Equal(2, m.Vias.Count);
        m.SetHeader("Max-Forwards", "69");
        Assert.Equal(69, m.MaxForwards);
        Assert.Equal(1, m.RemoveHeader("User-Agent"));
        Assert.Null(m.GetHeader("User-Agent"));
    }

    [Theory]
    [InlineData("sip:alice@atlanta.com", "sip", "alice", "atlanta.com", null)]
    [InlineData("sips:alice:secret@[2001:db8::1]:5061;transport=tcp", "sips", "alice", "[2001:db8::1]", 5061)]
    [InlineData("SIP:+1-212-555-1212:1234@gateway.com;user=phone", "sip", "+1-212-555-1212", "gateway.com", null)]
    [InlineData("tel:+14155550100;phone-context=example.com", "tel", null, "+14155550100", null)]
    public void UriParts(string text, string scheme, string? user, string host, int? port)
    {
        Assert.True(SipUri.TryParse(text, out var uri));
        Assert.Equal(scheme, uri!.Scheme);
        Assert.Equal(user, uri.User);
        Assert.Equal(host, uri.Host);
        Assert.Equal(port, uri.Port);
        Assert.Equal(text, uri.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("sip:")]
    [InlineData("sip:@host")]
    [InlineData("sip:a b@host")]
    [InlineData("sip:host:99999")]
    [InlineData("sip:[zz::1]")]
    [InlineData("1sip:host")]
    public void MalformedUrisAreRefused(string text) => Assert.False(SipUri.TryParse(text, out _));
}
