using System.Buffers;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Tests.Messages;

public sealed class SipStreamFramerTests
{
    private static readonly SipStreamFramer Framer = new();

    /// <summary>Valid torture messages that carry a Content-Length matching their body, as a stream needs.</summary>
    public static TheoryData<string> Framed()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _, _) in TortureMessages.Index.Where(i => i.Class == "valid" && i.Name != "dblreq.dat"))
        {
            if (SipMessage.TryParse(TortureMessages.Bytes(name), out var m, out _) && m!.GetHeader("Content-Length") is not null)
                data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Framed))]
    public void EveryPrefixOfAValidMessageIsIncompleteAndConsumesNothing(string file)
    {
        var bytes = SipMessage.TryParse(TortureMessages.Bytes(file), out var m, out _) ? m!.ToArray() : throw new InvalidOperationException();
        for (var n = 1; n < bytes.Length; n++)
        {
            var result = Framer.TryFrame(new ReadOnlySequence<byte>(bytes, 0, n), out var consumed, out _, out var error);
            Assert.True(result == SipFrameResult.NeedMore, $"{file}: prefix {n} gave {result} {error}");
            Assert.Equal(0, consumed.GetInteger());
        }
        Assert.Equal(SipFrameResult.Complete, Framer.TryFrame(new ReadOnlySequence<byte>(bytes), out var all, out var parsed, out _));
        Assert.Equal(bytes.Length, all.GetInteger());
        Assert.NotNull(parsed);
    }

    [Fact]
    public void TwoPipelinedMessagesAndKeepAlives()
    {
        var one = SipTestMessages.Invite().ToArray();
        var stream = "\r\n\r\n"u8.ToArray().Concat(one).Concat(one).ToArray();
        var buffer = new ReadOnlySequence<byte>(stream);
        Assert.Equal(SipFrameResult.KeepAlive, Framer.TryFrame(buffer, out var consumed, out _, out _));
        buffer = buffer.Slice(consumed);
        Assert.Equal(SipFrameResult.Complete, Framer.TryFrame(buffer, out consumed, out var first, out _));
        buffer = buffer.Slice(consumed);
        Assert.Equal(SipFrameResult.Complete, Framer.TryFrame(buffer, out consumed, out var second, out _));
        Assert.Equal(0, buffer.Slice(consumed).Length);
        Assert.Equal(first!.CallId, second!.CallId);
    }

    [Fact]
    public void MissingContentLengthIsMalformedOnAStream()
    {
        var bytes = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n"u8.ToArray();
        Assert.Equal(SipFrameResult.Malformed, Framer.TryFrame(new ReadOnlySequence<byte>(bytes), out _, out _, out var error));
        Assert.Equal(SipParseErrorKind.BadContentLength, error!.Kind);
    }

    [Fact]
    public void OversizedHeaderSectionIsMalformed()
    {
        var framer = new SipStreamFramer(1024);
        var bytes = new byte[2048];
        Array.Fill(bytes, (byte)'a');
        Assert.Equal(SipFrameResult.Malformed, framer.TryFrame(new ReadOnlySequence<byte>(bytes), out _, out _, out var error));
        Assert.Equal(SipParseErrorKind.TooLarge, error!.Kind);
    }
}
