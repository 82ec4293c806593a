using System.Net;
using System.Text;
using Gateway.Server.Signaling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Signaling;

/// <summary>
/// Property-style checks on the dispatcher without sockets: no client input throws, every refused message gets
/// exactly one reply, and nothing malformed reaches the call controller.
/// </summary>
public sealed class DispatcherRobustnessTests
{
    private static readonly string[] ValidMessages =
    [
        """{"type":"call","id":"c1","to":"+14155550100","sdp":"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"}""",
        """{"type":"candidate","id":"c1","candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0}""",
        """{"type":"answer","id":"s7","sdp":"v=0"}""",
        """{"type":"reject","id":"s7","code":486}""",
        """{"type":"dtmf","id":"c1","digits":"12#","duration":100}""",
        """{"type":"transfer","id":"c1","to":"sip:bob@example.com"}""",
        """{"type":"hangup","id":"c1"}""",
    ];

    private const string Noise = "{}[]\":,0a\\ ";

    private readonly FakeCallController _calls = new();
    private readonly MessageDispatcher _dispatcher;
    private readonly WebSession _session;

    public DispatcherRobustnessTests()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Signaling:AllowLoopbackWithoutToken"] = "true",
            ["Signaling:SendQueueCapacity"] = "100000",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddGatewaySignaling(config).AddSingleton<ICallController>(_calls).BuildServiceProvider();
        _dispatcher = services.GetRequiredService<MessageDispatcher>();
        _session = services.GetRequiredService<SessionManager>().Create(new ClientIdentity(null, false, IPAddress.Loopback));
    }

    [Fact]
    public void EveryStrictPrefix_OfAValidMessage_IsOneErrorAndReachesNoController()
    {
        var dispatched = 0;
        foreach (var message in ValidMessages)
        {
            var bytes = Encoding.UTF8.GetBytes(message);
            for (var length = 0; length < bytes.Length; length++)
            {
                _dispatcher.Dispatch(_session, bytes.AsSpan(0, length));
                dispatched++;
            }
            Assert.Equal(dispatched, _session.QueuedCount);
        }
        Assert.False(_calls.TryNextMessage(out _));
    }

    [Fact]
    public void RandomMutations_NeverThrow_AndAlwaysAnswerOrReachTheController()
    {
        var random = new Random(4733);
        var handled = 0;
        for (var i = 0; i < 5000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(ValidMessages[random.Next(ValidMessages.Length)]);
            for (var m = random.Next(1, 4); m > 0 && bytes.Length > 0; m--)
            {
                var at = random.Next(bytes.Length);
                switch (random.Next(3))
                {
                    case 0: bytes[at] = (byte)random.Next(256); break;
                    case 1: bytes = [.. bytes[..at], .. bytes[(at + 1)..]]; break;
                    default: bytes = [.. bytes[..at], (byte)Noise[random.Next(Noise.Length)], .. bytes[at..]]; break;
                }
            }
            _dispatcher.Dispatch(_session, bytes);
            while (_calls.TryNextMessage(out _)) handled++;
            Assert.Equal(i + 1, _session.QueuedCount + handled);
        }
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC3, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    public void InvalidUtf8_IsOneError(byte[] message)
    {
        _dispatcher.Dispatch(_session, message);
        Assert.Equal(1, _session.QueuedCount);
    }

    [Theory]
    [InlineData("""{"type":"call","id":"c1","to":"+1","sdp":"\uD800"}""")]
    [InlineData("""{"\uDC00":1,"type":"ping"}""")]
    [InlineData("""{"type":"signal","room":"r","to":"p","data":{"\uD800x":"\uDFFF"}}""")]
    public void LoneSurrogateEscapes_NeverThrow(string json)
    {
        _dispatcher.Dispatch(_session, Encoding.UTF8.GetBytes(json));
        Assert.Equal(1, _session.QueuedCount + (_calls.TryNextMessage(out _) ? 1 : 0));
    }

    // RFC 8259 §4: names SHOULD be unique. The fuzzer's find (tests/fuzz/signaling/crash-signaling-*): JsonObject built
    // its dictionary lazily and threw ArgumentException on the second "code" out of Dispatch.
    [Theory]
    [InlineData("""{"type":"reject","id":"c1","code":4.8,"code":"x"}""")]
    [InlineData("""{"type":"ping","type":"ping"}""")]
    [InlineData("""{"type":"register","user":"alice","user":"bob"}""")]
    [InlineData("""{"type":"hangup","id":"c1","id":"c1"}""")]
    [InlineData("""{"type":"signal","room":"r","to":"p","data":{"x":{"y":1,"y":2}}}""")]
    public void DuplicateKeys_AreOneError_AndReachNoController(string json)
    {
        _dispatcher.Dispatch(_session, Encoding.UTF8.GetBytes(json));
        Assert.Equal(1, _session.QueuedCount);
        Assert.False(_calls.TryNextMessage(out _));
        Assert.Null(_session.RegisteredUser);
    }

    [Fact]
    public void DeeplyNested_IsMalformed_NotAStackOverflow()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);
        _dispatcher.Dispatch(_session, Encoding.UTF8.GetBytes(deep));
        Assert.Equal(1, _session.QueuedCount);
    }

    [Fact]
    public void ControllerIsResolvedAtMessageTime_SoALaterRegistrationWins()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Signaling:AllowLoopbackWithoutToken"] = "true" }).Build();
        var services = new ServiceCollection().AddLogging().AddGatewaySignaling(config).BuildServiceProvider();
        Assert.IsType<UnavailableCallController>(services.GetRequiredService<ICallController>());
        Assert.Same(services.GetRequiredService<WebUserDirectory>(), services.GetRequiredService<IWebUserDirectory>());
    }
}
