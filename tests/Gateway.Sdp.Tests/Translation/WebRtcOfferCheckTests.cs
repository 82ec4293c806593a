using Gateway.Sdp.Translation;
using Gateway.Tests.Shared;

namespace Gateway.Sdp.Tests.Translation;

/// <summary>Issue #12 item 4: the offer checks of RFC 8122 §5, RFC 8839 §5.4 and RFC 4145 §4, each refusal typed.</summary>
public sealed class WebRtcOfferCheckTests
{
    private static readonly string Chrome = File.ReadAllText(Conformance.PathOf("sdp", "chrome-audio-offer.sdp"));
    private static readonly RtpEndpoint Sip = new("127.0.0.1", 30000);

    private static SessionDescription Offer(Func<string, string?> edit)
    {
        var text = string.Join("\r\n", Chrome.Split("\r\n").Select(edit).OfType<string>());
        Assert.True(SessionDescription.TryParse(text, out var sdp, out var error), error?.ToString());
        return sdp!;
    }

    private static Func<string, string?> Drop(string prefix) => l => l.StartsWith(prefix, StringComparison.Ordinal) ? null : l;
    private static Func<string, string?> Swap(string prefix, string line) => l => l.StartsWith(prefix, StringComparison.Ordinal) ? line : l;

    [Fact]
    public void ChromesOffer_Passes() => Assert.Null(WebRtcOfferCheck.Check(Offer(l => l)));

    public static TheoryData<string, string?, WebRtcOfferErrorKind> Refused => new()
    {
        { "a=fingerprint", null, WebRtcOfferErrorKind.MissingFingerprint },
        { "a=fingerprint", "a=fingerprint:md5 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE", WebRtcOfferErrorKind.WeakFingerprint },
        { "a=fingerprint", "a=fingerprint:sha-1 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5", WebRtcOfferErrorKind.WeakFingerprint },
        { "a=fingerprint", "a=fingerprint:sha-256 garbage", WebRtcOfferErrorKind.MalformedFingerprint },
        { "a=fingerprint", "a=fingerprint:sha-256 6B:8B:5D", WebRtcOfferErrorKind.MalformedFingerprint },
        { "a=fingerprint", "a=fingerprint:sha-256 ZZ:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC", WebRtcOfferErrorKind.MalformedFingerprint },
        { "a=fingerprint", "a=fingerprint:whirlpool 6B:8B", WebRtcOfferErrorKind.MalformedFingerprint },
        { "a=fingerprint", "a=fingerprint:", WebRtcOfferErrorKind.MalformedFingerprint },
        { "a=ice-ufrag", null, WebRtcOfferErrorKind.BadIceUfrag },
        { "a=ice-ufrag", "a=ice-ufrag:ab", WebRtcOfferErrorKind.BadIceUfrag },
        { "a=ice-ufrag", "a=ice-ufrag:ab cd", WebRtcOfferErrorKind.BadIceUfrag },
        { "a=ice-pwd", null, WebRtcOfferErrorKind.BadIcePwd },
        { "a=ice-pwd", "a=ice-pwd:short", WebRtcOfferErrorKind.BadIcePwd },
        { "a=setup", null, WebRtcOfferErrorKind.BadSetup },
        { "a=setup", "a=setup:holdconn", WebRtcOfferErrorKind.BadSetup },
        { "a=setup", "a=setup:whatever", WebRtcOfferErrorKind.BadSetup },
        { "m=audio", "m=audio 45076 RTP/AVP 0", WebRtcOfferErrorKind.NoSecureAudio },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void UnusableOffer_IsRefusedWithItsKind_AndTheTranslatorSays488(string line, string? replacement, WebRtcOfferErrorKind kind)
    {
        var offer = Offer(replacement is null ? Drop(line) : Swap(line, replacement));

        var error = WebRtcOfferCheck.Check(offer);

        Assert.Equal(kind, error?.Kind);
        Assert.False(JsepToSipTranslator.TryCreateSipOffer(offer, Sip, SdpTranslationPolicy.Default, out var sipOffer, out _, out var failure));
        Assert.Null(sipOffer);
        Assert.Equal(488, failure!.StatusCode);
    }

    [Fact]
    public void AStrongFingerprintBesideAWeakOne_Passes()
    {
        var offer = Offer(l => l.StartsWith("a=fingerprint", StringComparison.Ordinal)
            ? "a=fingerprint:md5 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE\r\n" + l : l);
        Assert.Null(WebRtcOfferCheck.Check(offer));
    }

    [Theory]
    [InlineData("candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag 5+Ix")]
    [InlineData("candidate:1 1 UDP 2122260223 192.0.2.1 54321 typ host")]
    [InlineData("1 1 udp 2122260223 2001:db8::1 54321 typ host")]
    [InlineData("candidate:1 1 udp 2122260223 6c3e3f6e-1f0b-4a55-9b8e-3c1b5a0d7e2f.local 54321 typ host")]
    public void WellFormedCandidates_Pass(string candidate) => Assert.Null(IceCandidateCheck.Check(candidate));

    [Theory]
    [InlineData("garbage", "fields")]
    [InlineData("candidate:1 1 udp 2122260223 192.0.2.1 54321 typx host", "typ")]
    [InlineData("candidate:1 1 udp 2122260223 192.0.2.1 99999 typ host", "port")]
    [InlineData("candidate:1 0 udp 2122260223 192.0.2.1 9 typ host", "component")]
    [InlineData("candidate:1 1 udp 99999999999 192.0.2.1 9 typ host", "priority")]
    [InlineData("candidate:1 1 udp 1 <script> 9 typ host", "address")]
    [InlineData("candidate:f\u00f6o 1 udp 1 192.0.2.1 9 typ host", "foundation")]
    [InlineData("candidate:1 1 udp 1 192.0.2.1 9 typ host  x", "single spaces")]
    public void MalformedCandidates_NameTheirProblem(string candidate, string problem) =>
        Assert.Contains(problem, IceCandidateCheck.Check(candidate));
}
