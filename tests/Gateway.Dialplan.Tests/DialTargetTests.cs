namespace Gateway.Dialplan.Tests;

/// <summary>Every way of writing a target parses to one typed target whose user part is what is routed.</summary>
public sealed class DialTargetTests
{
    [Theory]
    [InlineData("+449098790000", DialTargetForm.Plain, "+449098790000", null)]
    [InlineData("  600 ", DialTargetForm.Plain, "600", null)]
    [InlineData("sip:+449098790000@evil.example.com", DialTargetForm.SipUri, "+449098790000", "evil.example.com")]
    [InlineData("SIPS:+449098790000@Evil.Example.COM:5061;transport=tls", DialTargetForm.SipUri, "+449098790000", "evil.example.com")]
    [InlineData("sip:+44-909-879.0000;isub=1@h", DialTargetForm.SipUri, "+449098790000", "h")]
    [InlineData("sip:%2B449098790000@h", DialTargetForm.SipUri, "+449098790000", "h")]
    [InlineData("sip:+44%20909%208790000@h", DialTargetForm.SipUri, "+449098790000", "h")]
    [InlineData("sip:+449098790000:secret@h?Subject=x", DialTargetForm.SipUri, "+449098790000", "h")]
    [InlineData("sip:alice@[::1]:5060", DialTargetForm.SipUri, "alice", "[::1]")]
    [InlineData("sip:alice.smith@h", DialTargetForm.SipUri, "alice.smith", "h")]
    [InlineData("sip:h.example.com", DialTargetForm.SipUri, "", "h.example.com")]
    [InlineData("tel:+44-909-879-0000;phone-context=+44", DialTargetForm.TelUri, "+449098790000", null)]
    [InlineData("tel:%2B1900555", DialTargetForm.TelUri, "+1900555", null)]
    [InlineData("sip:", DialTargetForm.SipUri, "", null)]
    [InlineData("sip:%zz@h", DialTargetForm.SipUri, "%zz", "h")]
    public void Parse(string written, DialTargetForm form, string user, string? host)
    {
        var target = DialTarget.Parse(written);
        Assert.Equal((form, user, host), (target.Form, target.User, target.Host));
    }
}
