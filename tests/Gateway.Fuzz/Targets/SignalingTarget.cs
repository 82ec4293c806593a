using System.Net;
using Gateway.Server.Signaling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Fuzz.Targets;

/// <summary>
/// WebSocket messages from a browser (protocol.md): read by the real <see cref="FrameReader"/> from a socket that hands
/// them over in fragments (RFC 6455 §5.4), then dispatched by the real <see cref="MessageDispatcher"/> (JSON, RFC 8259,
/// then <see cref="CallMessageParser"/>) for one session. The first byte sets the fragment size and whether the
/// messages are binary; 0xFF (never in UTF-8) separates up to 8 messages, so a register can precede a call.
/// </summary>
public static class SignalingTarget
{
    public const string Name = "signaling";
    private const int MaxMessages = 8;
    private const int MaxFrameBytes = 4096;

    private static readonly Lazy<(MessageDispatcher Dispatcher, WebSession Session)> Host = new(Build);

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        var fragment = (input[0] & 0x3F) is var f && f == 0 ? int.MaxValue : f * 5;
        var socket = new FragmentingWebSocket(Split(input[1..]), fragment, binary: (input[0] & 0x40) != 0);
        var (dispatcher, session) = Host.Value;
        using var reader = new FrameReader(socket, MaxFrameBytes);
        while (true)
        {
            var read = reader.ReadAsync(CancellationToken.None);
            FuzzInvariant.Check(read.IsCompleted, "FrameReader did not complete on a socket that always has data");
            var kind = read.GetAwaiter().GetResult();
            if (kind == FrameKind.Close) return;
            if (kind == FrameKind.Text)
            {
                FuzzInvariant.Check(reader.Message.Length <= MaxFrameBytes, $"a text message of {reader.Message.Length} bytes passed the {MaxFrameBytes} limit");
                dispatcher.Dispatch(session, reader.Message.Span);
            }
        }
    }

    private static List<byte[]> Split(ReadOnlySpan<byte> data)
    {
        var messages = new List<byte[]>();
        while (messages.Count < MaxMessages)
        {
            var separator = data.IndexOf((byte)0xFF);
            if (separator < 0 || messages.Count == MaxMessages - 1) { messages.Add(data.ToArray()); break; }
            messages.Add(data[..separator].ToArray());
            data = data[(separator + 1)..];
        }
        return messages;
    }

    private static (MessageDispatcher, WebSession) Build()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Signaling:AllowLoopbackWithoutToken"] = "true",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddGatewaySignaling(config)
            .AddSingleton<ICallController, DiscardingCallController>().BuildServiceProvider();
        var session = services.GetRequiredService<SessionManager>().Create(new ClientIdentity(null, false, IPAddress.Loopback));
        return (services.GetRequiredService<MessageDispatcher>(), session);
    }

    /// <summary>Takes the validated call messages and does nothing: the fuzzer tests the parsing in front of it.</summary>
    private sealed class DiscardingCallController : ICallController
    {
        public void OnMessage(IWebSession session, ClientCallMessage message) => _ = message.Id.Length;

        public void OnSessionEnded(IWebSession session) { }
    }
}
