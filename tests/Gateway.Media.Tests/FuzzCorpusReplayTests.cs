using Gateway.Fuzz.Targets;
using Gateway.Tests.Shared;

namespace Gateway.Media.Tests;

/// <summary>Every file of the media fuzz corpora (tests/fuzz/stun, rtp, rtcp, srtp) goes through its target without an exception.</summary>
public sealed class FuzzCorpusReplayTests
{
    public static TheoryData<string> Stun => FuzzCorpus.Files(StunTarget.Name);
    public static TheoryData<string> Rtp => FuzzCorpus.Files(RtpTarget.Name);
    public static TheoryData<string> Rtcp => FuzzCorpus.Files(RtcpTarget.Name);
    public static TheoryData<string> Srtp => FuzzCorpus.Files(SrtpTarget.Name);

    [Theory]
    [MemberData(nameof(Stun))]
    public void StunCorpus_RunsWithoutException(string file) => StunTarget.Run(FuzzCorpus.Read(StunTarget.Name, file));

    [Theory]
    [MemberData(nameof(Rtp))]
    public void RtpCorpus_RunsWithoutException(string file) => RtpTarget.Run(FuzzCorpus.Read(RtpTarget.Name, file));

    [Theory]
    [MemberData(nameof(Rtcp))]
    public void RtcpCorpus_RunsWithoutException(string file) => RtcpTarget.Run(FuzzCorpus.Read(RtcpTarget.Name, file));

    [Theory]
    [MemberData(nameof(Srtp))]
    public void SrtpCorpus_RunsWithoutException(string file) => SrtpTarget.Run(FuzzCorpus.Read(SrtpTarget.Name, file));
}
