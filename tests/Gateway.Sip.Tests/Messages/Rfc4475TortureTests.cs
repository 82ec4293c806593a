using Gateway.Sip.Messages;

namespace Gateway.Sip.Tests.Messages;

/// <summary>RFC 4475: every torture message classified as the RFC says.</summary>
public sealed class Rfc4475TortureTests
{
    public static TheoryData<string, string> Valid => TortureMessages.OfClass("valid");
    public static TheoryData<string, string> Invalid => TortureMessages.OfClass("invalid");
    public static TheoryData<string, string> Parseable => TortureMessages.OfClass("transaction", "application", "compat");

    [Fact]
    public void IndexListsAll49Messages() => Assert.Equal(49, TortureMessages.Index.Count);

    [Theory]
    [MemberData(nameof(Valid))]
    public void ValidMessageParsesAndPassesValidation(string file, string section)
    {
        var ok = SipMessage.TryParse(TortureMessages.Bytes(file), out var message, out var error);
        Assert.True(ok, $"{file} (RFC 4475 §{section}) refused: {error}");
        Assert.Null(SipMessageValidator.Validate(message!));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidMessageIsRefusedWithAPreciseError(string file, string section)
    {
        var ok = SipMessage.TryParse(TortureMessages.Bytes(file), out var message, out var error);
        var refusal = ok ? SipMessageValidator.Validate(message!) : error;
        Assert.True(refusal is not null, $"{file} (RFC 4475 §{section}) was accepted");
        Assert.False(string.IsNullOrWhiteSpace(refusal!.Message));
    }

    [Theory]
    [MemberData(nameof(Parseable))]
    public void ApplicationTransactionAndCompatMessagesParse(string file, string section)
    {
        var ok = SipMessage.TryParse(TortureMessages.Bytes(file), out _, out var error);
        Assert.True(ok, $"{file} (RFC 4475 §{section}) refused: {error}");
    }

    [Theory]
    [InlineData("clerr.dat", SipParseErrorKind.BodyTruncated)]
    [InlineData("ncl.dat", SipParseErrorKind.BadContentLength)]
    [InlineData("scalar02.dat", SipParseErrorKind.BadHeaderValue)]
    [InlineData("scalarlg.dat", SipParseErrorKind.BadHeaderValue)]
    [InlineData("quotbal.dat", SipParseErrorKind.BadHeaderValue)]
    [InlineData("ltgtruri.dat", SipParseErrorKind.BadRequestUri)]
    [InlineData("lwsruri.dat", SipParseErrorKind.BadRequestLine)]
    [InlineData("lwsstart.dat", SipParseErrorKind.BadRequestLine)]
    [InlineData("trws.dat", SipParseErrorKind.BadRequestLine)]
    [InlineData("escruri.dat", SipParseErrorKind.BadRequestUri)]
    [InlineData("baddate.dat", SipParseErrorKind.BadHeaderValue)]
    [InlineData("regbadct.dat", SipParseErrorKind.BadHeaderValue)]
    [InlineData("badaspec.dat", SipParseErrorKind.BadHeaderValue)]
    // baddn.dat as carried by the RFC's archive ends without the empty line (see conformance/README.md).
    [InlineData("baddn.dat", SipParseErrorKind.Incomplete)]
    [InlineData("badvers.dat", SipParseErrorKind.UnsupportedVersion)]
    [InlineData("bigcode.dat", SipParseErrorKind.BadStatusCode)]
    [InlineData("badinv01.dat", SipParseErrorKind.BadHeaderValue)]
    public void InvalidMessageErrorKind(string file, SipParseErrorKind expected)
    {
        var refusal = SipMessage.TryParse(TortureMessages.Bytes(file), out var message, out var error) ? SipMessageValidator.Validate(message!) : error;
        Assert.Equal(expected, refusal!.Kind);
    }

    [Fact]
    public void BadDisplayNameIsRefusedOnceTheHeaderSectionIsTerminated()
    {
        var bytes = TortureMessages.Bytes("baddn.dat").Concat("\r\n"u8.ToArray()).ToArray();
        Assert.True(SipMessage.TryParse(bytes, out var message, out _));
        var error = SipMessageValidator.Validate(message!);
        Assert.Equal(SipParseErrorKind.BadHeaderValue, error!.Kind);
        Assert.Contains("From", error.Message);
    }

    [Theory]
    [InlineData("mismatch01.dat")]
    [InlineData("mismatch02.dat")]
    public void CSeqMethodMismatchIsRefusedByTheValidator(string file)
    {
        Assert.True(SipMessage.TryParse(TortureMessages.Bytes(file), out var message, out _));
        Assert.Equal(SipParseErrorKind.InconsistentMessage, SipMessageValidator.Validate(message!)!.Kind);
    }

    [Theory]
    [InlineData("insuf.dat", SipParseErrorKind.MissingHeader)]
    [InlineData("multi01.dat", SipParseErrorKind.InconsistentMessage)]
    [InlineData("mcl01.dat", SipParseErrorKind.InconsistentMessage)]
    public void ApplicationLevelProblemsAreFoundByTheValidator(string file, SipParseErrorKind expected)
    {
        Assert.True(SipMessage.TryParse(TortureMessages.Bytes(file), out var message, out _));
        Assert.Equal(expected, SipMessageValidator.Validate(message!)!.Kind);
    }

    [Fact]
    public void BadBranchIsOnlyTheMagicCookie()
    {
        Assert.True(SipMessage.TryParse(TortureMessages.Bytes("badbranch.dat"), out var message, out _));
        Assert.Equal("z9hG4bK", message!.TopVia!.Branch);
        Assert.False(message.TopVia.HasRfc3261Branch);
    }
}
