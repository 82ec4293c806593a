using System.Text;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Tests.Messages;

/// <summary>RFC 4475 §3.1.1: the valid messages parse with the right values.</summary>
public sealed class TortureValueTests
{
    private static SipMessage Parse(string file)
    {
        Assert.True(SipMessage.TryParse(TortureMessages.Bytes(file), out var m, out var e), e?.ToString());
        return m!;
    }

    [Fact]
    public void Wsinv_FoldingCompactFormsAndOddWhitespace()
    {
        var m = (SipRequest)Parse("wsinv.dat");
        Assert.Equal("INVITE", m.Method);
        Assert.Equal("1918181833n", m.To!.Tag);
        Assert.Equal("98asjd8", m.From!.Tag);
        Assert.Equal("\"J Rosenberg \\\\\\\"\"", m.From.DisplayName);
        Assert.Equal("J Rosenberg \\\"", m.From.DisplayText);
        Assert.Equal(68, m.MaxForwards);
        Assert.Equal(new CSeqValue(9, "INVITE"), m.CSeq);
        Assert.Equal(3, m.Vias.Count);
        Assert.Equal("UDP", m.Vias[0].Transport);
        Assert.Equal("192.0.2.2", m.Vias[0].Host);
        Assert.Equal("390skdjuw", m.Vias[0].Branch);
        Assert.Equal("TCP", m.Vias[1].Transport);
        Assert.Equal("z9hG4bK9ikj8", m.Vias[1].Branch);
        Assert.Equal("z9hG4bK30239", m.Vias[2].Branch);
        Assert.Equal("newfangled value continued newfangled value", m.GetHeader("NewFangledHeader"));
        Assert.Equal(";;,,;;,;", m.GetHeader("UnknownHeaderWithUnusualValue"));
        Assert.Equal("", m.GetHeader("Subject"));
        Assert.Single(m.Contacts);
        Assert.Equal("0.33", m.Contacts[0].GetParameter("q"));
        Assert.Equal("newvalue", m.Contacts[0].GetParameter("newparam"));
        Assert.True(m.Routes[0].Uri.HasParameter("lr"));
        Assert.Equal(150, m.Body.Length);
    }

    [Fact]
    public void Intmeth_WideCharacterRange()
    {
        var m = (SipRequest)Parse("intmeth.dat");
        Assert.Equal("!interesting-Method0123456789_*+`.%indeed'~", m.Method);
        Assert.Equal(m.Method, m.CSeq!.Value.Method);
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", m.RequestUri.User);
        Assert.Equal("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", m.RequestUri.Password);
        Assert.Equal("example.com", m.RequestUri.Host);
        Assert.Equal("token1~` token2'+_ token3*%!.-", m.From!.DisplayName);
        Assert.Equal("_token~1'+`*%!-.", m.From.Tag);
        Assert.Equal(255, m.MaxForwards);
    }

    [Fact]
    public void Esc01_EscapesAreKeptAsReceived()
    {
        var m = (SipRequest)Parse("esc01.dat");
        Assert.Equal("sips%3Auser%40example.com", m.RequestUri.User);
        Assert.Equal("%75se%72", m.To!.Uri.User);
        Assert.Equal("application/sdp", m.ContentType);
        Assert.Equal("esc01.239409asdfakjkn23onasd0-3234", m.CallId);
    }

    [Fact]
    public void Escnull_TwoContacts() => Assert.Equal(2, Parse("escnull.dat").Contacts.Count);

    [Fact]
    public void Esc02_PercentInMethodAndHeaderNameIsNotAnEscape()
    {
        var m = (SipRequest)Parse("esc02.dat");
        Assert.Equal("RE%47IST%45R", m.Method);
        Assert.Equal(2, m.Contacts.Count);
        Assert.Equal("<sip:alias2@host2.example.com>", m.GetHeader("C%6Fntact"));
    }

    [Fact]
    public void Lwsdisp_DisplayNameWithoutSpaceBeforeLaquot() => Assert.Equal("caller", Parse("lwsdisp.dat").From!.DisplayName);

    [Fact]
    public void Longreq_LongValues()
    {
        var m = Parse("longreq.dat");
        Assert.True(m.To!.DisplayName!.Length > 100);
        Assert.True(m.Vias.Count > 10);
        Assert.Equal(70, m.MaxForwards);
    }

    [Fact]
    public void Dblreq_ExtraOctetsAfterContentLengthAreIgnored()
    {
        var m = (SipRequest)Parse("dblreq.dat");
        Assert.Equal("REGISTER", m.Method);
        Assert.Equal(0, m.Body.Length);
    }

    [Fact]
    public void Semiuri_SemicolonInUserPart()
    {
        var m = (SipRequest)Parse("semiuri.dat");
        Assert.Equal("user;par=u%40example.net", m.RequestUri.User);
        Assert.Equal("example.com", m.RequestUri.Host);
        Assert.Empty(m.RequestUri.Parameters);
    }

    [Fact]
    public void Transports_UnknownTransportsAreKept() =>
        Assert.Equal(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"], Parse("transports.dat").Vias.Select(v => v.Transport));

    [Fact]
    public void Mpart01_BinaryMultipartBodyIsKeptExactly()
    {
        var m = Parse("mpart01.dat");
        Assert.Equal(553, m.Body.Length);
        Assert.StartsWith("multipart/mixed", m.ContentType);
    }

    [Fact]
    public void Unreason_Utf8ReasonPhrase()
    {
        var m = (SipResponse)Parse("unreason.dat");
        Assert.Equal(200, m.StatusCode);
        Assert.StartsWith("= 2**3 * 5**2 ", m.ReasonPhrase);
        Assert.Contains("\u043d\u043e", m.ReasonPhrase);
    }

    [Fact]
    public void Noreason_EmptyReasonPhrase()
    {
        var m = (SipResponse)Parse("noreason.dat");
        Assert.Equal(100, m.StatusCode);
        Assert.Equal("", m.ReasonPhrase);
    }

    [Fact]
    public void ValidMessagesRoundTripThroughTheSerializer()
    {
        foreach (var (name, cls, _) in TortureMessages.Index.Where(i => i.Class == "valid"))
        {
            var first = Parse(name);
            var bytes = first.ToArray();
            Assert.True(SipMessage.TryParse(bytes, out var second, out var e), $"{name}: {e}\n{Encoding.UTF8.GetString(bytes)}");
            Assert.Equal(first.Headers.Where(h => h.Name != "Content-Length"), second!.Headers.Where(h => h.Name != "Content-Length"));
            Assert.True(first.Body.Span.SequenceEqual(second.Body.Span), name);
            Assert.Equal(first.CSeq, second.CSeq);
        }
    }
}
