using Gateway.Tests.Shared;
using System.Net;
using Gateway.Dialplan;
using Gateway.Server.Observability;
using Gateway.Server.Tests.Observability;
using Gateway.Server.Tests.Signaling;
using Gateway.Server.Trunks;
using Gateway.Sip.Messages;
using Gateway.Sip.Registration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Server.Tests.Trunks;

/// <summary>The hosted service behind register: true: one client per trunk, reloads, unregister on stop, the gauge.</summary>
public sealed class TrunkRegistrationsTests
{
    private const string Carrier = "  carrier:\n    uri: sip:carrier.example\n    username: gw1\n    password: pw\n    register: true\n";
    private const string Other = "  other:\n    uri: sip:other.example:5070\n    username: gw2\n    password: pw\n    register: true\n    registrar: sip:reg.other.example\n    register_expires: 120\n";
    private const string Pbx = "  pbx:\n    uri: sip:pbx.example\n";

    private static CompiledDialplan Plan(params string[] trunks)
    {
        var result = DialplanLoader.Load("trunks:\n" + string.Concat(trunks) + "routes: []\n", "t.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Plan!;
    }

    private sealed class Senders
    {
        public List<(string Trunk, SipRequest Request, TaskCompletionSource<SipResponse> Answer)> Sent { get; } = [];

        public IRegistrationSender For(TrunkDefinition trunk) => new Sender(this, trunk.Name);

        public void Answer(string trunk, int code, string? expires = null)
        {
            var (_, request, answer) = Sent.First(s => s.Trunk == trunk && !s.Answer.Task.IsCompleted);
            var response = SipResponse.CreateFor(request, code, toTag: "t");
            if (expires is not null) response.AddHeader(SipHeaderNames.Expires, expires);
            answer.SetResult(response);
        }

        private sealed class Sender(Senders owner, string trunk) : IRegistrationSender
        {
            public Task<SipResponse> SendAsync(SipRequest register, CancellationToken cancellationToken)
            {
                register.AddHeader(SipHeaderNames.Contact, "<sip:" + trunk + "@192.0.2.1>");
                var answer = new TaskCompletionSource<SipResponse>();
                owner.Sent.Add((trunk, register, answer));
                return answer.Task;
            }
        }
    }

    private static (TrunkRegistrations Service, Senders Senders, TrunkRegistrarSources Sources) Start(CompiledDialplan plan, ManualTimeProvider time)
    {
        var senders = new Senders();
        var sources = new TrunkRegistrarSources();
        var service = new TrunkRegistrations(() => plan, senders.For, sources, time, NullLogger<TrunkRegistrations>.Instance);
        service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (service, senders, sources);
    }

    [Fact]
    public async Task Registers_each_register_true_trunk_and_shows_it_in_metrics()
    {
        var time = new ManualTimeProvider();
        var (service, senders, _) = Start(Plan(Carrier, Other, Pbx), time);
        using var _ = service;
        Assert.Equal(["carrier", "other"], senders.Sent.Select(s => s.Trunk).Order());
        var carrier = senders.Sent.Single(s => s.Trunk == "carrier").Request;
        Assert.Equal("sip:carrier.example", carrier.RequestUri.ToString());
        Assert.Equal("sip:gw1@carrier.example", carrier.To!.Uri.ToString());
        Assert.Equal("3600", carrier.GetHeader(SipHeaderNames.Expires));
        var other = senders.Sent.Single(s => s.Trunk == "other").Request;
        Assert.Equal("sip:reg.other.example", other.RequestUri.ToString()); // registrar: wins over uri
        Assert.Equal("sip:gw2@other.example", other.To!.Uri.ToString());
        Assert.Equal("120", other.GetHeader(SipHeaderNames.Expires));

        senders.Answer("carrier", 200, "3600");
        senders.Answer("other", 403);
        Assert.Equal([new TrunkRegistrationStatus("carrier", RegistrationState.Registered), new TrunkRegistrationStatus("other", RegistrationState.Failed)],
            service.Snapshot());
        var text = PrometheusText.Parse(PrometheusTextWriter.Render(new GatewayMetrics(), default, null, service.Snapshot()));
        Assert.Equal("gauge", text.Types["gateway_trunk_registered"]);
        Assert.Equal(1, text.Value("gateway_trunk_registered", "trunk", "carrier"));
        Assert.Equal(0, text.Value("gateway_trunk_registered", "trunk", "other"));

        var stopping = service.StoppingAsync(CancellationToken.None);
        var removal = senders.Sent.Last(s => s.Trunk == "carrier").Request;
        Assert.Equal("0", removal.GetHeader(SipHeaderNames.Expires));
        Assert.DoesNotContain(senders.Sent.Skip(2), s => s.Trunk == "other"); // never registered: nothing to remove
        senders.Answer("carrier", 200);
        await stopping.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(service.Snapshot(), s => Assert.Equal(RegistrationState.Unregistered, s.State));
    }

    [Fact]
    public void Reloads_start_new_trunks_unregister_removed_ones_and_keep_unchanged_ones()
    {
        var time = new ManualTimeProvider();
        var (service, senders, sources) = Start(Plan(Carrier), time);
        using var _ = service;
        senders.Answer("carrier", 200, "3600");
        sources.Add("carrier", IPAddress.Parse("192.0.2.50"));

        service.Apply(Plan(Carrier, Other));
        Assert.Equal(2, senders.Sent.Count); // carrier kept as it was, other started
        Assert.Equal("other", senders.Sent[^1].Trunk);

        service.Apply(Plan(Other, Pbx));
        Assert.Equal("carrier", senders.Sent[^1].Trunk);
        Assert.Equal("0", senders.Sent[^1].Request.GetHeader(SipHeaderNames.Expires));
        Assert.Equal(["other"], service.Snapshot().Select(s => s.Trunk));
        Assert.Null(sources.Find(Plan(Carrier), IPAddress.Parse("192.0.2.50"))); // a removed trunk's registrar is no source any more

        // A changed trunk (new expiry) gets a new client: the old binding is removed, a new one registered.
        service.Apply(Plan(Other.Replace("register_expires: 120", "register_expires: 300")));
        var last = senders.Sent.TakeLast(2).Select(s => (s.Trunk, s.Request.GetHeader(SipHeaderNames.Expires))).ToList();
        Assert.Contains(("other", "300"), last);
    }

    [Fact]
    public async Task Unregister_is_bounded_when_the_registrar_does_not_answer()
    {
        var time = new ManualTimeProvider();
        var (service, senders, _) = Start(Plan(Carrier), time);
        using var _ = service;
        senders.Answer("carrier", 200, "3600");
        var stopping = service.StopAsync(CancellationToken.None);
        Assert.False(stopping.IsCompleted);
        time.Advance(TrunkRegistrations.UnregisterTimeout);
        await stopping.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_registrar_address_counts_as_the_trunks_source()
    {
        var sources = new TrunkRegistrarSources();
        var plan = Plan(Carrier, Pbx);
        sources.Add("carrier", IPAddress.Parse("198.51.100.7"));
        Assert.Equal("carrier", sources.Find(plan, IPAddress.Parse("198.51.100.7"))?.Name);
        Assert.Equal("carrier", sources.Find(plan, IPAddress.Parse("198.51.100.7").MapToIPv6())?.Name);
        Assert.Null(sources.Find(plan, IPAddress.Parse("198.51.100.8")));
        sources.Add("pbx", IPAddress.Parse("198.51.100.9"));
        Assert.Null(sources.Find(plan, IPAddress.Parse("198.51.100.9"))); // only register: true trunks
    }
}
