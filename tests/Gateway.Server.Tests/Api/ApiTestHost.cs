using Gateway.Dialplan;
using Gateway.Server.Api;
using Gateway.Server.Calls;
using Gateway.Server.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Api;

/// <summary>The gateway's host with the REST API, a fake call directory and a dialplan file of the test's own (not watched).</summary>
internal sealed class ApiTestHost : IAsyncDisposable
{
    public const string Token = "api-test-admin-token-0123456789";

    public const string ValidPlan =
        "trunks:\n  pstn:\n    uri: sip:127.0.0.1:5080\n    transport: udp\n  backup:\n    uri: sip:127.0.0.1:5082\n    transport: udp\n" +
        "routes:\n  - name: echo\n    match: { exact: '600' }\n    app: echo\n  - name: out\n    match: { prefix: '' }\n    trunk: [pstn, backup]\n";

    private ApiTestHost(TestGatewayHost host, FakeCallDirectory calls, string dialplanPath, DialplanWatcher dialplan)
    {
        Originator = calls.Originator;
        Host = host;
        Calls = calls;
        DialplanPath = dialplanPath;
        Dialplan = dialplan;
    }

    public TestGatewayHost Host { get; }
    public FakeCallDirectory Calls { get; }
    public FakeCallOriginator Originator { get; }
    public string DialplanPath { get; }
    public DialplanWatcher Dialplan { get; }

    /// <summary>Loopback is not trusted (AllowLoopback false), so requests need the bearer unless <paramref name="allowLoopback"/>.</summary>
    public static async Task<ApiTestHost> StartAsync(bool allowLoopback = false)
    {
        var folder = TempDirectory.Create();
        var path = Path.Combine(folder, "dialplan.yaml");
        await File.WriteAllTextAsync(path, ValidPlan);
        var dialplan = DialplanWatcher.Start(path, watch: false);
        var calls = new FakeCallDirectory();
        var host = await TestGatewayHost.StartAsync(
            new Dictionary<string, string?> { ["Admin:AllowLoopback"] = allowLoopback ? "true" : "false", ["Admin:Tokens:0"] = Token },
            contentRoot: null,
            configureServices: b =>
            {
                b.Services.AddSingleton<ICallDirectory>(calls);
                b.Services.AddSingleton<ICallOriginator>(calls.Originator);
                b.Services.AddSingleton(dialplan);
                b.Services.AddGatewayApi();
            },
            configureApp: app => app.MapGatewayApi());
        return new ApiTestHost(host, calls, path, dialplan);
    }

    public HttpClient Client(string? token = Token)
    {
        var client = Host.HttpClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Dialplan.Dispose();
        TempDirectory.Delete(Path.GetDirectoryName(DialplanPath)!);
    }
}

/// <summary>An <see cref="ICallDirectory"/> holding the snapshots the test puts in it; records hangups.</summary>
internal sealed class FakeCallDirectory : ICallDirectory
{
    private readonly List<CallSnapshot> _calls = [];
    public FakeCallOriginator Originator { get; } = new();
    public List<string> HungUp { get; } = [];

    public void Add(CallSnapshot call) { lock (_calls) _calls.Add(call); }

    public IReadOnlyList<CallSnapshot> Snapshot() { lock (_calls) return [.. _calls]; }

    public CallSnapshot? Find(string id) { lock (_calls) return _calls.FirstOrDefault(c => c.Id == id); }

    public bool HangUp(string id, string by)
    {
        lock (_calls)
        {
            if (_calls.RemoveAll(c => c.Id == id) == 0) return false;
            HungUp.Add(id);
            return true;
        }
    }
}

/// <summary>An <see cref="ICallOriginator"/> that answers <see cref="Next"/> and keeps each request and its progress sink.</summary>
internal sealed class FakeCallOriginator : ICallOriginator
{
    public OriginateResult Next { get; set; } = new("k7-xy", "+441632960000", "out");
    public List<(OriginateRequest Request, string By, ICallProgressSink? Sink)> Requests { get; } = [];

    public OriginateResult Originate(OriginateRequest request, string by, Func<string, ICallProgressSink?> progress)
    {
        lock (Requests) Requests.Add((request, by, Next.Id is { } id ? progress(id) : null));
        return Next;
    }
}
