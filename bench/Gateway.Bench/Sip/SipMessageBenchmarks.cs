using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Sip.Messages;

namespace Gateway.Bench.Sip;

/// <summary>Parse and serialize of a typical INVITE with SDP (~900 bytes) and of its 200 OK.</summary>
[MemoryDiagnoser]
public class SipMessageBenchmarks
{
    private const string Sdp =
        "v=0\r\no=- 4858461357 4858461357 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
        "m=audio 40000 RTP/AVP 0 8 9 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\na=rtcp:40001\r\n";

    private static readonly byte[] Invite = Encoding.ASCII.GetBytes(
        "INVITE sip:+14155550100@trunk.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:+14155550100@trunk.example.com>\r\n" +
        "From: \"Alice\" <sip:alice@gateway.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.gateway.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@192.0.2.10:5060;transport=udp>\r\n" +
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, UPDATE\r\n" +
        "Supported: replaces, timer\r\n" +
        "User-Agent: Gateway/1.0\r\n" +
        "Content-Type: application/sdp\r\n" +
        $"Content-Length: {Sdp.Length}\r\n\r\n" + Sdp);

    private static readonly byte[] Ok = Encoding.ASCII.GetBytes(
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10\r\n" +
        "To: <sip:+14155550100@trunk.example.com>;tag=a6c85cf\r\n" +
        "From: \"Alice\" <sip:alice@gateway.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.gateway.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:+14155550100@198.51.100.4:5060>\r\n" +
        "Content-Length: 0\r\n\r\n");

    private readonly ArrayBufferWriter<byte> _writer = new(2048);
    private SipMessage _invite = null!;
    private SipMessage _ok = null!;

    [GlobalSetup]
    public void Setup()
    {
        SipMessage.TryParse(Invite, out var i, out _);
        SipMessage.TryParse(Ok, out var o, out _);
        _invite = i!;
        _ok = o!;
    }

    [Benchmark(Baseline = true)]
    public SipMessage? ParseInvite() => SipMessage.TryParse(Invite, out var m, out _) ? m : null;

    /// <summary>What a transaction layer reads of every message: top Via branch, From tag, Call-ID, CSeq.</summary>
    [Benchmark]
    public int ParseInviteAndReadTransactionHeaders()
    {
        SipMessage.TryParse(Invite, out var m, out _);
        return m!.TopVia!.Branch!.Length + m.From!.Tag!.Length + m.CallId!.Length + (int)m.CSeq!.Value.Number;
    }

    [Benchmark]
    public SipMessage? Parse200Ok() => SipMessage.TryParse(Ok, out var m, out _) ? m : null;

    [Benchmark]
    public int SerializeInvite()
    {
        _writer.ResetWrittenCount();
        _invite.WriteTo(_writer);
        return _writer.WrittenCount;
    }

    [Benchmark]
    public int Serialize200Ok()
    {
        _writer.ResetWrittenCount();
        _ok.WriteTo(_writer);
        return _writer.WrittenCount;
    }
}
