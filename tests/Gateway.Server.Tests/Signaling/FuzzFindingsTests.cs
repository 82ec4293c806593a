using System.Net;
using System.Text;
using Gateway.Server.Signaling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Signaling;

/// <summary>Crashes the signaling fuzz target found (reproducers in tests/fuzz/signaling/crash-signaling-*), one test each.</summary>
public sealed class FuzzFindingsTests
{
    private readonly FakeCallController _calls = new();
    private readonly MessageDispatcher _dispatcher;
    private readonly WebSession _session;

    public FuzzFindingsTests()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Signaling:AllowLoopbackWithoutToken"] = "true",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddGatewaySignaling(config).AddSingleton<ICallController>(_calls).BuildServiceProvider();
        _dispatcher = services.GetRequiredService<MessageDispatcher>();
        _session = services.GetRequiredService<SessionManager>().Create(new ClientIdentity(null, false, IPAddress.Loopback));
    }

    // RFC 8259 §4: names SHOULD be unique. JsonObject built its dictionary lazily and threw ArgumentException on the
    // second "code" out of Dispatch; a duplicate name is now malformed JSON, answered with one error.
    [Theory]
    [InlineData("""{"type":"reject","id":"c1","code":4.8,"code":"x"}""")]
    [InlineData("""{"type":"ping","type":"ping"}""")]
    [InlineData("""{"type":"signal","room":"r","to":"p","data":{"a":1,"a":2}}""")]
    public void DuplicatePropertyNames_AreOneError_NotAnException(string json)
    {
        _dispatcher.Dispatch(_session, Encoding.UTF8.GetBytes(json));
        Assert.Equal(1, _session.QueuedCount);
        Assert.False(_calls.TryNextMessage(out _));
    }
}
