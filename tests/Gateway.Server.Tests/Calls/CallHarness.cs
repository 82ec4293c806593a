using System.Net;
using Gateway.Dialplan;
using Gateway.Server.Calls;
using Gateway.Server.Observability;
using Gateway.Server.Signaling;
using Gateway.Sip.Stack;
using Gateway.Sip.Transactions;
using Gateway.Sip.Transport;
using Gateway.Tests.Shared;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Server.Tests.Calls;

/// <summary>
/// The call layer on a real SIP stack at 127.0.0.1 (short timers) with fake sessions and media, a dialplan written
/// for the test (trunks pointing at <see cref="SipTestPeer"/>s), and the controller and dispatcher wired as in production.
/// </summary>
internal sealed class CallHarness : IAsyncDisposable
{
    public static readonly string BrowserOffer = File.ReadAllText(Conformance.PathOf("sdp", "chrome-audio-offer.sdp"));
    public static readonly SipTimerSettings ShortTimers = new() { T1 = TimeSpan.FromMilliseconds(40), T2 = TimeSpan.FromMilliseconds(320), T4 = TimeSpan.FromMilliseconds(400) };

    private readonly string _folder;

    private CallHarness(string folder, SipStack stack, CallServices services, CallController controller, FakeUserDirectory users,
        FakeMediaFactory media, RecordingCdrWriter cdr, GatewayMetrics metrics, DialplanWatcher dialplan)
    {
        _folder = folder;
        Stack = stack;
        Services = services;
        Controller = controller;
        Users = users;
        Media = media;
        Cdr = cdr;
        Metrics = metrics;
        Dialplan = dialplan;
    }

    public SipStack Stack { get; }
    public CallServices Services { get; }
    public CallController Controller { get; }
    public FakeUserDirectory Users { get; }
    public FakeMediaFactory Media { get; }
    public RecordingCdrWriter Cdr { get; }
    public GatewayMetrics Metrics { get; }
    public DialplanWatcher Dialplan { get; }
    public CallRegistry Registry => Services.Registry;
    public SipEndPoint EndPoint => new(SipTransportProtocol.Udp, Stack.Transports[0].LocalEndPoint);

    /// <summary>Trunks: name -> (peer port, extra YAML lines). Routes: 600 echo, 601 playback, 7xx reject 403, names -> users, the rest -> trunks in order.</summary>
    public static CallHarness Start(IReadOnlyList<(string Name, int Port, string Extra)> trunks, TimeSpan? noAnswer = null, string? inboundSources = null, TimeProvider? callTime = null, string extraRoutes = "", bool allowUnknownSources = true, string guards = "", Gateway.Server.Registrar.IRegisteredDevices? devices = null, Gateway.Sip.Registrar.SipRegistrar? registrar = null, IRemoteUsers? remoteUsers = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "gw-calls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "prompts"));
        File.Copy(Path.Combine(Conformance.RepoRoot, "dialplan", "prompts", "welcome.wav"), Path.Combine(folder, "prompts", "welcome.wav"));
        var yaml = "trunks:\n";
        foreach (var (name, port, extra) in trunks)
        {
            yaml += $"  {name}:\n    uri: sip:127.0.0.1:{port}\n" + (extra.Contains("transport:") ? "" : "    transport: udp\n");
            if (extra.Length > 0) yaml += string.Join("", extra.Split('\n').Select(l => "    " + l + "\n"));
            if (inboundSources is not null) yaml += $"    inbound_sources: [{inboundSources}]\n";
        }
        if (guards.Length > 0) yaml += "guards:\n" + guards;
        yaml += "routes:\n" +
                "  - name: echo\n    match: { exact: '600' }\n    app: echo\n" +
                "  - name: playback\n    match: { exact: '601' }\n    app: playback prompts/welcome.wav\n" +
                "  - name: denied\n    match: { prefix: '7' }\n    reject: 403\n" +
                extraRoutes +
                "  - name: users\n    match: { regex: '^[a-z][a-z0-9._-]*$' }\n    user: $0\n" +
                $"  - name: out\n    match: {{ prefix: '' }}\n    trunk: [{string.Join(", ", trunks.Select(t => t.Name))}]\n";
        var path = Path.Combine(folder, "dialplan.yaml");
        File.WriteAllText(path, yaml);
        var dialplan = DialplanWatcher.Start(path, watch: false);

        var options = new GatewaySipOptions { ListenAddress = "127.0.0.1", UdpPort = 0, TcpPort = 0, NoAnswerTimeout = noAnswer ?? TimeSpan.FromSeconds(5), T1Milliseconds = 40, AllowUnknownSources = allowUnknownSources };
        var stack = new SipStack(new SipStackOptions { Timers = ShortTimers });
        stack.AddTransport(new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0)));
        stack.AddTransport(new TcpSipTransport(new IPEndPoint(IPAddress.Loopback, 0)));
        var addressing = new SipAddressing(stack, options);
        var metrics = new GatewayMetrics();
        var cdr = new RecordingCdrWriter();
        var users = new FakeUserDirectory();
        var media = new FakeMediaFactory();
        var loggers = NullLoggerFactory.Instance;
        var services = new CallServices
        {
            Sip = addressing,
            Options = options,
            Media = media,
            Registry = new CallRegistry(),
            Metrics = metrics,
            Cdr = cdr,
            Dialplan = () => dialplan.Current,
            Failover = new TrunkFailover(new TrunkFailoverOptions(), new SipTrunkProber(addressing), TimeProvider.System),
            Limits = new CallLimits(),
            Users = users,
            Devices = devices ?? NoDevices.Instance,
            RemoteUsers = remoteUsers,
            Time = callTime ?? TimeProvider.System,
            Loggers = loggers,
        };
        var controller = new CallController(services, new PromptCache(loggers.CreateLogger<PromptCache>()), loggers.CreateLogger<CallController>());
        new SipRequestDispatcher(services, loggers.CreateLogger<SipRequestDispatcher>(), registrar: registrar, calls: controller).Attach(stack);
        return new CallHarness(folder, stack, services, controller, users, media, cdr, metrics, dialplan);
    }

    public void Place(IWebSession session, string id, string to, string? offer = null) => Controller.OnMessage(session, new PlaceCall(id, to, offer ?? BrowserOffer));

    /// <summary>Registers two sessions ("w1" then "w2") for <paramref name="user"/>, so an inbound call to the user forks to both.</summary>
    public (FakeWebSession Phone, FakeWebSession Laptop) RegisterTwoSessions(string user)
    {
        var phone = new FakeWebSession("w1", user);
        var laptop = new FakeWebSession("w2", user);
        Users.Register(user, phone);
        Users.Register(user, laptop);
        return (phone, laptop);
    }

    /// <summary>Waits until no call is left in any table.</summary>
    public async Task WaitForNoCallsAsync(int timeoutMs = 5000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (Registry.Count > 0 || Registry.WebKeys > 0 || Registry.SipKeys > 0 || Registry.DeviceKeys > 0 || Registry.CallerKeys > 0)
        {
            if (Environment.TickCount64 > deadline)
                throw new TimeoutException($"{Registry.Count} calls still live: " + string.Join(", ", Registry.Snapshot().Select(c => c.Id + ":" + c.State)));
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Dialplan.Dispose();
        await Stack.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
