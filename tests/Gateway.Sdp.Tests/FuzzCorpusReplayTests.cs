using Gateway.Fuzz.Targets;
using Gateway.Tests.Shared;

namespace Gateway.Sdp.Tests;

/// <summary>Every file of tests/fuzz/sdp parses, round-trips and translates (JSEP&lt;-&gt;SIP) without an exception.</summary>
public sealed class FuzzCorpusReplayTests
{
    public static TheoryData<string> Files => FuzzCorpus.Files(SdpTarget.Name);

    [Theory]
    [MemberData(nameof(Files))]
    public void SdpCorpus_RunsWithoutException(string file) => SdpTarget.Run(FuzzCorpus.Read(SdpTarget.Name, file));
}
