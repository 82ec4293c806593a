using Gateway.Fuzz.Targets;
using Gateway.Tests.Shared;

namespace Gateway.Server.Tests.Signaling;

/// <summary>Every file of tests/fuzz/signaling goes through the frame reader and the dispatcher without an exception.</summary>
public sealed class FuzzCorpusReplayTests
{
    public static TheoryData<string> Files => FuzzCorpus.Files(SignalingTarget.Name);

    [Theory]
    [MemberData(nameof(Files))]
    public void SignalingCorpus_RunsWithoutException(string file) => SignalingTarget.Run(FuzzCorpus.Read(SignalingTarget.Name, file));
}
