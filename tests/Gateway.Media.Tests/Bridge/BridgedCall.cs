using Gateway.Media.Bridge;
using static Gateway.Media.Tests.Bridge.BridgeHarness;

namespace Gateway.Media.Tests.Bridge;

/// <summary>
/// The arrange most bridge tests share: an engine, one session, a browser connected with SRTP keys (<see cref="BridgeHarness.ConnectAsync"/>)
/// and a trunk configured on the SIP side. Disposes in reverse order of creation (trunk, browser, session, engine).
/// </summary>
internal sealed class BridgedCall : IAsyncDisposable
{
    private BridgedCall(MediaEngine engine, MediaSession session)
    {
        Engine = engine;
        Session = session;
    }

    public MediaEngine Engine { get; }
    public MediaSession Session { get; }
    public FakeBrowser Browser { get; } = new();
    public FakeTrunk Trunk { get; } = new();

    /// <summary>Connects a session of <paramref name="engine"/> (default <see cref="BridgeHarness.Engine"/>, owned by the call)
    /// and points its SIP side at the trunk with <paramref name="sip"/> (default <see cref="BridgeHarness.Pcmu"/>).</summary>
    public static async Task<BridgedCall> StartAsync(MediaCodecMapping? sip = null, MediaEngine? engine = null)
    {
        engine ??= Engine();
        BridgedCall? call = null;
        try
        {
            call = new BridgedCall(engine, engine.CreateSession());
            await ConnectAsync(call.Session, call.Browser);
            call.Session.ConfigureSip(call.Trunk.EndPoint, sip ?? Pcmu());
            return call;
        }
        catch
        {
            if (call is not null) await call.DisposeAsync();
            else await engine.DisposeAsync();
            throw;
        }
    }

    public void Deconstruct(out MediaEngine engine, out MediaSession session, out FakeBrowser browser, out FakeTrunk trunk) =>
        (engine, session, browser, trunk) = (Engine, Session, Browser, Trunk);

    public async ValueTask DisposeAsync()
    {
        Trunk.Dispose();
        Browser.Dispose();
        await Session.DisposeAsync();
        await Engine.DisposeAsync();
    }
}
