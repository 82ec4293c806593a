using System.Collections.Concurrent;
using System.Diagnostics;
using Gateway.Server.Calls;
using Gateway.Server.Signaling;
using Gateway.Sip.Messages;

namespace Gateway.Server.Tests.Calls;

/// <summary>The ActivitySource "Gateway": a root span per call, an event per step, the SIP Call-ID as sip.call_id.</summary>
public sealed class CallTracingTests
{
    /// <summary>Collects the stopped spans of the calls this test names (tests in parallel make calls too).</summary>
    private sealed class SpanCollector : IDisposable
    {
        private readonly ActivityListener _listener;
        public ConcurrentQueue<Activity> Stopped { get; } = new();

        public SpanCollector()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Gateway",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = Stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public async Task<Activity> WaitForAsync(string callId)
        {
            var deadline = Environment.TickCount64 + 5000;
            while (true)
            {
                if (Stopped.FirstOrDefault(a => (string?)a.GetTagItem("gateway.call.id") == callId) is { } found) return found;
                if (Environment.TickCount64 > deadline) throw new TimeoutException($"no span for call {callId}");
                await Task.Delay(10);
            }
        }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task An_answered_outbound_call_is_one_root_span_with_each_step_and_the_sip_call_id()
    {
        using var spans = new SpanCollector();
        await using var peer = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", peer.Port, "")]);
        var web = new FakeWebSession("w1", "alice");
        using var ambient = new Activity("websocket request").Start(); // the thread's own activity is not the call's parent

        gw.Place(web, "c1", "+14155550100");
        await web.WaitForAsync("answer", "c1");
        var invite = await peer.WaitForAsync(SipMethods.Invite);
        gw.Media.Last.Connect();
        Assert.Same(ambient, Activity.Current);
        gw.Controller.OnMessage(web, new Hangup("c1"));
        await gw.WaitForNoCallsAsync();

        var span = await spans.WaitForAsync("c1");
        Assert.Equal("call outbound", span.DisplayName);
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Null(span.Parent);
        Assert.Equal(default, span.ParentSpanId);
        Assert.Equal(invite.CallId, span.GetTagItem("sip.call_id"));
        Assert.Equal("answered", span.GetTagItem("gateway.call.outcome"));
        var steps = span.Events.Select(e => e.Name).ToList();
        Assert.Equal(["route", "INVITE", "18x", "200", "end"], steps.Where(s => !s.Contains("connected")));
        Assert.Contains("ICE connected", steps);
        Assert.True(steps.IndexOf("ICE connected") < steps.IndexOf("DTLS connected"));
        var route = span.Events.First(e => e.Name == "route");
        Assert.Equal(("out", "pstn"), ((string?)route.Tags.First(t => t.Key == "gateway.route").Value, (string?)route.Tags.First(t => t.Key == "gateway.trunk").Value));
        var end = span.Events.Last();
        Assert.Equal(200, end.Tags.First(t => t.Key == "gateway.call.cause").Value);
        Assert.True(span.Duration > TimeSpan.Zero);
    }

    [Fact]
    public async Task An_inbound_call_records_the_invite_the_200_sent_and_the_ack()
    {
        using var spans = new SpanCollector();
        await using var caller = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", caller.Port, "")]);
        var (phone, _) = gw.RegisterTwoSessions("bob");

        var (invite, tx, _) = caller.Call(gw.EndPoint, "bob");
        var id = (string)(await phone.WaitForAsync("incoming"))["id"]!;
        gw.Controller.OnMessage(phone, new AnswerIncoming(id, InboundAnswer));
        var ok = await tx.FinalResponse;
        await caller.AckAsync(invite, ok);
        await caller.SendInDialogAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();

        var span = await spans.WaitForAsync(id);
        Assert.Equal(invite.CallId, span.GetTagItem("sip.call_id"));
        Assert.Equal(["route", "INVITE", "200", "ACK", "end"], span.Events.Select(e => e.Name));
    }

    [Theory]
    [InlineData("outbound", "Calling", "INVITE")]
    [InlineData("outbound", "EarlyMedia", "18x")]
    [InlineData("outbound", "Active", "200")]
    [InlineData("outbound", "Cancelling", "CANCEL")]
    [InlineData("inbound", "Connecting", "200")]
    [InlineData("originated", "Offering", "200")]
    [InlineData("originated", "Active", "bridged")]
    public void Each_state_change_names_its_sip_step(string direction, string to, string step) =>
        Assert.Equal(step, GatewayCall.StepName(direction, Enum.Parse<CallState>(to)));

    private const string InboundAnswer =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0 101\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=mid:0\r\na=ice-ufrag:brws\r\na=ice-pwd:browserbrowserbrowser12\r\n" +
        "a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC\r\n" +
        "a=setup:active\r\na=rtcp-mux\r\na=sendrecv\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
}
