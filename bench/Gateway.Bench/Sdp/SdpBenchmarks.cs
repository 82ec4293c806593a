using BenchmarkDotNet.Attributes;
using Gateway.Sdp;
using Gateway.Sdp.Translation;

namespace Gateway.Bench.Sdp;

/// <summary>Parse/serialize of a real Chrome offer, and its translation to the SIP offer sent to a trunk.</summary>
[MemoryDiagnoser]
public class SdpBenchmarks
{
    private static readonly RtpEndpoint SipSide = new("127.0.0.1", 40000);
    private string _chromeOffer = "";
    private SessionDescription _parsed = null!;

    [GlobalSetup]
    public void Setup()
    {
        // The checked-in conformance capture, found from the repository root like the tests do.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln"))) dir = dir.Parent;
        _chromeOffer = File.ReadAllText(Path.Combine(dir!.FullName, "tests", "conformance", "sdp", "chrome-audio-offer.sdp"));
        SessionDescription.TryParse(_chromeOffer, out var sdp, out _);
        _parsed = sdp!;
    }

    [Benchmark(Baseline = true)]
    public SessionDescription? ParseChromeOffer() => SessionDescription.TryParse(_chromeOffer, out var sdp, out _) ? sdp : null;

    [Benchmark]
    public string SerializeChromeOffer() => _parsed.ToString();

    /// <summary>The whole step the gateway takes on a browser's call: parse the offer, build the SIP offer, write it.</summary>
    [Benchmark]
    public string TranslateChromeOfferToSipOffer()
    {
        SessionDescription.TryParse(_chromeOffer, out var offer, out _);
        JsepToSipTranslator.TryCreateSipOffer(offer!, SipSide, SdpTranslationPolicy.Default, out var sip, out _, out _);
        return sip!.ToString();
    }
}
