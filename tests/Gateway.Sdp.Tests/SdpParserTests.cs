using System.Text;

namespace Gateway.Sdp.Tests;

public sealed class SdpParserTests
{
    public static TheoryData<string> AllSdps => ConformanceSdps.All();

    [Fact]
    public void TheSharedFolderHoldsTheExpectedSdps() => Assert.True(Directory.GetFiles(ConformanceSdps.Folder, "*.sdp").Length >= 15);

    [Theory]
    [MemberData(nameof(AllSdps))]
    public void EverySharedSdpRoundTripsByteExact(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(ConformanceSdps.Folder, file));
        Assert.True(SessionDescription.TryParse(bytes, out var sdp, out var error), $"{file}: {error}");
        Assert.Equal(Encoding.UTF8.GetString(bytes), sdp!.ToString());
        Assert.Equal(bytes, sdp.ToUtf8());
    }

    [Fact]
    public void ChromeOfferValues()
    {
        var sdp = ConformanceSdps.Parse("chrome-audio-offer.sdp");
        var audio = Assert.Single(sdp.Media);
        Assert.Equal("audio", audio.Media);
        Assert.Equal(45076, audio.Port);
        Assert.Equal("UDP/TLS/RTP/SAVPF", audio.Protocol);
        Assert.Equal("111", audio.Formats[0]);
        Assert.Equal(new SdpRtpMap(111, "opus", 48000, 2), audio.RtpMaps[0]);
        Assert.Equal(new SdpRtpMap(126, "telephone-event", 8000), audio.RtpMaps.Last());
        Assert.Equal("minptime=10;useinbandfec=1", audio.Fmtp(111));
        Assert.Equal("5+Ix", sdp.AttributeFor(audio, "ice-ufrag"));
        Assert.Equal("uK8IlylxzDMUhrkVzdmj0M+v", sdp.AttributeFor(audio, "ice-pwd"));
        Assert.StartsWith("sha-256 6B:8B", sdp.AttributeFor(audio, "fingerprint"));
        Assert.Equal("actpass", audio.GetAttribute("setup"));
        Assert.Equal("audio", audio.Mid);
        Assert.True(audio.HasAttribute("rtcp-mux"));
        Assert.Equal(4, audio.GetAttributes("candidate").Count());
        Assert.Equal(SdpDirection.SendRecv, sdp.DirectionFor(audio));
        Assert.Equal("BUNDLE audio", sdp.GetAttribute("group"));
    }

    [Fact]
    public void TrunkOfferValuesAndStaticPayloadTypes()
    {
        var sdp = ConformanceSdps.Parse("trunk-offer-pcmu-pcma-te101.sdp");
        var audio = sdp.Media[0];
        Assert.Equal("198.51.100.20", sdp.ConnectionFor(audio)!.Address);
        Assert.Equal(["PCMU", "PCMA", "telephone-event"], audio.RtpMaps.Select(m => m.Encoding));
        Assert.Equal("20", audio.GetAttribute("ptime"));
    }

    [Fact]
    public void HoldForms()
    {
        var zero = ConformanceSdps.Parse("phone-hold-rfc2543-zero-address.sdp");
        Assert.True(zero.ConnectionFor(zero.Media[0])!.IsHoldAddress);
        var sendonly = ConformanceSdps.Parse("phone-hold-sendonly.sdp");
        Assert.Equal(SdpDirection.SendOnly, sendonly.DirectionFor(sendonly.Media[0]));
        var rejected = ConformanceSdps.Parse("trunk-answer-rejected-stream.sdp");
        Assert.True(rejected.Media[0].IsRejected);
    }

    [Fact]
    public void MultiStreamOffersKeepEveryMediaDescription()
    {
        var sdp = ConformanceSdps.Parse("chromium-av-datachannel-offer.sdp");
        Assert.Equal(["audio", "video", "application"], sdp.Media.Select(m => m.Media));
        var safari = ConformanceSdps.Parse("safari-audio-video-data-offer.sdp");
        Assert.Equal(3, safari.Media.Count);
    }

    [Theory]
    [InlineData("", SdpErrorKind.Empty, 1)]
    [InlineData("o=- 1 1 IN IP4 1.2.3.4\r\n", SdpErrorKind.BadOrder, 1)]
    [InlineData("v=1\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n", SdpErrorKind.BadVersion, 1)]
    [InlineData("v=0\r\no=- 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n", SdpErrorKind.BadOrigin, 2)]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4\r\nt=0 0\r\n", SdpErrorKind.BadConnection, 4)]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio x RTP/AVP 0\r\n", SdpErrorKind.BadMedia, 5)]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n", SdpErrorKind.BadMedia, 5)]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\na=:x\r\n", SdpErrorKind.BadAttribute, 5)]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 1 RTP/AVP 0\r\n", SdpErrorKind.MissingLine, 4)]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nX=y\r\n", SdpErrorKind.BadLine, 5)]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nnonsense\r\n", SdpErrorKind.BadLine, 5)]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n", SdpErrorKind.MissingLine, 3)]
    public void MalformedSdpsAreRefusedWithTheLine(string text, SdpErrorKind kind, int line)
    {
        Assert.False(SessionDescription.TryParse(text, out _, out var error));
        Assert.Equal(kind, error!.Kind);
        Assert.Equal(line, error.Line);
        Assert.Contains($"line {line}", error.ToString());
    }

    [Fact]
    public void BareLfLineEndingsAreAcceptedAndKept()
    {
        var text = ConformanceSdps.Text("trunk-offer-pcmu-pcma-te101.sdp").Replace("\r\n", "\n");
        Assert.True(SessionDescription.TryParse(text, out var sdp, out _));
        Assert.Equal("\n", sdp!.LineEnding);
        Assert.Equal(text, sdp.ToString());
    }

    [Fact]
    public void InvalidUtf8IsRefused()
    {
        Assert.False(SessionDescription.TryParse("v=0\r\ns="u8.ToArray().Append((byte)0xff).ToArray(), out _, out var error));
        Assert.Equal(SdpErrorKind.BadEncoding, error!.Kind);
    }

    [Fact]
    public void MutatedSdpsNeverThrow()
    {
        var corpus = Directory.GetFiles(ConformanceSdps.Folder, "*.sdp").Select(File.ReadAllBytes).ToArray();
        var random = new Random(8866);
        for (var i = 0; i < 100_000; i++)
        {
            var source = corpus[random.Next(corpus.Length)];
            var bytes = (byte[])source.Clone();
            var length = bytes.Length;
            for (var r = 0; r < 1 + random.Next(4); r++)
            {
                var at = random.Next(length);
                switch (random.Next(3))
                {
                    case 0: bytes[at] = (byte)random.Next(256); break;
                    case 1: bytes[at] = "\r\n =:/ 0a"u8[random.Next(9)]; break;
                    default: length = at + 1; break;
                }
            }
            var ok = SessionDescription.TryParse(bytes.AsSpan(0, length), out var sdp, out var error);
            Assert.True(ok ^ (error is not null));
            Assert.False(error?.Message.StartsWith("internal", StringComparison.Ordinal) == true, $"parser bug: {error}");
            if (ok)
            {
                _ = sdp!.ToString();
                foreach (var m in sdp.Media) { _ = m.RtpMaps; _ = sdp.ConnectionFor(m); _ = sdp.DirectionFor(m); }
            }
        }
    }
}
