using Gateway.Fuzz.Targets;
using Gateway.Tests.Shared;

namespace Gateway.Sip.Tests.Messages;

/// <summary>Every file of the SIP fuzz corpora (tests/fuzz/sip-message, tests/fuzz/sip-stream) goes through its target without an exception.</summary>
public sealed class FuzzCorpusReplayTests
{
    public static TheoryData<string> Messages => FuzzCorpus.Files(SipMessageTarget.Name);
    public static TheoryData<string> Streams => FuzzCorpus.Files(SipStreamTarget.Name);

    [Theory]
    [MemberData(nameof(Messages))]
    public void SipMessageCorpus_RunsWithoutException(string file) => SipMessageTarget.Run(FuzzCorpus.Read(SipMessageTarget.Name, file));

    [Theory]
    [MemberData(nameof(Streams))]
    public void SipStreamCorpus_RunsWithoutException(string file) => SipStreamTarget.Run(FuzzCorpus.Read(SipStreamTarget.Name, file));
}
