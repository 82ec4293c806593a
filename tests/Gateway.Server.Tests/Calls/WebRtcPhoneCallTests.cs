using System.Net;
using System.Net.WebSockets;
using System.Text;
using Gateway.Server.Hosting;
using Gateway.Server.Registrar;
using Gateway.Server.Tests.Hosting;
using Gateway.Sip.Auth;
using Gateway.Sip.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Gateway.Sip.Messages;
using Gateway.Sip.Registrar;

namespace Gateway.Server.Tests.Calls;

/// <summary>
/// A WebRTC phone (JsSIP, SIP.js at /sip) calls: its INVITE carries a browser offer, so after the Digest challenge it is
/// placed as that user's browser call (SipWebRtcCaller): the echo app, a web user and a trunk answer it as they answer
/// a browser, the answer comes back in the 200, its SIP INFO digits become the call's dtmf, BYE and CANCEL its hangup.
/// </summary>
public sealed class WebRtcPhoneCallTests
{
    private sealed class Users : IRegistrarDirectory
    {
        public RegistrarUser? Find(string name) => name is "alice" or "bob" ? new RegistrarUser(name, "pw-" + name, 5) : null;
    }

    private static SipRegistrar Registrar() =>
        new(new RegistrarOptions { Domain = "gateway.local" }, new Users(), new InMemoryRegistrationStore(100, TimeProvider.System), new byte[32]);

    /// <summary>alice's INVITE with the browser's offer, its 401, then again with credentials.</summary>
    private static async Task<(SipRequest Invite, Gateway.Sip.Transactions.InviteClientTransaction Tx, System.Collections.Concurrent.ConcurrentQueue<int> Provisionals)> CallAsync(
        SipTestPeer phone, CallHarness gw, string to)
    {
        var (first, tx, _) = phone.Call(gw.EndPoint, to, CallHarness.BrowserOffer, from: "alice");
        var challenge = await tx.FinalResponse;
        Assert.Equal(401, challenge.StatusCode);
        Assert.True(new DigestClient("alice", "pw-alice").TryAnswer(challenge.GetHeader("WWW-Authenticate")!, "INVITE", first.RequestUri.ToString(), out var credentials));
        return phone.Call(gw.EndPoint, to, CallHarness.BrowserOffer, extraHeader: "Authorization: " + credentials, from: "alice");
    }

    [Fact]
    public async Task WebRtc_phone_calls_the_echo_app_and_gets_a_webrtc_answer()
    {
        await using var phone = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", 9, "")], allowUnknownSources: false, registrar: Registrar());

        var (invite, tx, _) = await CallAsync(phone, gw, "600");
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        var answer = Encoding.UTF8.GetString(ok.Body.Span);
        Assert.Contains("a=ice-lite", answer);
        Assert.Contains("a=fingerprint:sha-256", answer);
        Assert.Contains("UDP/TLS/RTP/SAVPF", answer);
        await phone.AckAsync(invite, ok);
        Assert.Contains(gw.Media.Last.Calls, c => c.StartsWith("echo ", StringComparison.Ordinal)); // the app on the web leg
        Assert.Equal(200, (await phone.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await gw.WaitForNoCallsAsync();
    }

    [Fact]
    public async Task WebRtc_phone_calls_a_web_user_rings_answers_relays_info_dtmf_and_hangs_up()
    {
        await using var phone = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", 9, "")], allowUnknownSources: false, registrar: Registrar());
        var bob = new FakeWebSession("wb", "bob");
        gw.Users.Register("bob", bob);

        var (invite, tx, provisionals) = await CallAsync(phone, gw, "bob");
        var incoming = await bob.WaitForAsync("incoming");
        Assert.Equal("alice", (string)incoming["from"]!);
        var id = (string)incoming["id"]!;
        gw.Controller.OnMessage(bob, new Gateway.Server.Signaling.RingingIncoming(id));
        gw.Controller.OnMessage(bob, new Gateway.Server.Signaling.AnswerIncoming(id, CallHarness.BrowserOffer.Replace("a=setup:actpass", "a=setup:active")));
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        Assert.Contains(180, provisionals);
        Assert.Contains("a=ice-lite", Encoding.UTF8.GetString(ok.Body.Span));
        await phone.AckAsync(invite, ok);

        var info = await phone.SendInDialogAsync(SipMethods.Info, r =>
        {
            r.AddHeader("Content-Type", "application/dtmf-relay");
            r.Body = Encoding.ASCII.GetBytes("Signal=5\r\nDuration=160\r\n");
        });
        Assert.Equal(200, info.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!gw.Media.Created.Any(m => m.Calls.Contains("dtmf 5 160")) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Contains(gw.Media.Created, m => m.Calls.Contains("dtmf 5 160")); // through the joined legs as RFC 4733

        Assert.Equal(200, (await phone.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await bob.WaitForAsync("hangup", id);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(0, gw.Services.Registry.CallerKeys);
    }

    [Fact]
    public async Task WebRtc_phone_to_a_number_dials_the_trunk_with_rtp_info_digits_go_as_rfc4733_and_its_bye_ends_the_trunk_leg()
    {
        await using var trunk = SipTestPeer.Start();
        await using var phone = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", trunk.Port, "")], allowUnknownSources: false, registrar: Registrar());

        var (invite, tx, _) = await CallAsync(phone, gw, "14155550100");
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        Assert.Contains("a=ice-lite", Encoding.UTF8.GetString(ok.Body.Span));
        var toTrunk = await trunk.WaitForAsync(SipMethods.Invite);
        Assert.Contains("RTP/AVP", Encoding.UTF8.GetString(toTrunk.Body.Span)); // the browser offer translated for SIP
        await phone.AckAsync(invite, ok);

        var info = await phone.SendInDialogAsync(SipMethods.Info, r =>
        {
            r.AddHeader("Content-Type", "application/dtmf");
            r.Body = Encoding.ASCII.GetBytes("7");
        });
        Assert.Equal(200, info.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!gw.Media.Last.Calls.Any(c => c.StartsWith("dtmf 7 ", StringComparison.Ordinal)) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Contains(gw.Media.Last.Calls, c => c.StartsWith("dtmf 7 ", StringComparison.Ordinal)); // RFC 4733 toward the trunk

        Assert.Equal(200, (await phone.SendInDialogAsync(SipMethods.Bye)).StatusCode);
        await trunk.WaitForAsync(SipMethods.Bye);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(0, gw.Services.Registry.CallerKeys);
    }

    [Fact]
    public async Task The_web_users_hangup_is_a_bye_to_the_webrtc_phone()
    {
        await using var phone = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", 9, "")], allowUnknownSources: false, registrar: Registrar());
        var bob = new FakeWebSession("wb", "bob");
        gw.Users.Register("bob", bob);

        var (invite, tx, _) = await CallAsync(phone, gw, "bob");
        var id = (string)(await bob.WaitForAsync("incoming"))["id"]!;
        gw.Controller.OnMessage(bob, new Gateway.Server.Signaling.AnswerIncoming(id, CallHarness.BrowserOffer.Replace("a=setup:actpass", "a=setup:active")));
        var ok = await tx.FinalResponse;
        Assert.Equal(200, ok.StatusCode);
        await phone.AckAsync(invite, ok);
        gw.Controller.OnMessage(bob, new Gateway.Server.Signaling.Hangup(id));
        var bye = await phone.WaitForAsync(SipMethods.Bye);
        Assert.Equal(invite.CallId, bye.CallId);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(0, gw.Services.Registry.CallerKeys);
    }

    [Fact]
    public async Task WebRtc_phone_cancels_while_the_web_user_rings()
    {
        await using var phone = SipTestPeer.Start();
        await using var gw = CallHarness.Start([("pstn", 9, "")], allowUnknownSources: false, registrar: Registrar());
        var bob = new FakeWebSession("wb", "bob");
        gw.Users.Register("bob", bob);

        var (invite, tx, _) = await CallAsync(phone, gw, "bob");
        var incoming = await bob.WaitForAsync("incoming");
        await phone.CancelAsync(invite);
        Assert.Equal(487, (await tx.FinalResponse).StatusCode);
        await bob.WaitForAsync("hangup", (string)incoming["id"]!);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(0, gw.Services.Registry.CallerKeys);
    }
    /// <summary>
    /// An INVITE over WebSocket (RFC 7118) from an address a trunk's inbound_sources lists (the same host) is a phone's:
    /// Digest-challenged (401), not routed as that trunk's call without credentials.
    /// </summary>
    [Fact]
    public async Task A_websocket_invite_from_a_trunks_address_is_challenged_as_a_phone()
    {
        await using var gw = CallHarness.Start([("pstn", 9, "")], inboundSources: "'127.0.0.1/32'", allowUnknownSources: false, registrar: Registrar());
        await using var host = await StartWebSocketAsync(gw);
        using var ws = await ConnectAsync(host);
        var challenge = await SendInviteAsync(ws, "600", 1, null);
        Assert.StartsWith("SIP/2.0 401 Unauthorized", challenge);
        Assert.Empty(gw.Media.Created); // nothing answered it
    }

    /// <summary>The phone's WebSocket closes without a BYE (a tab closed): the call ends, the web user is told.</summary>
    [Fact]
    public async Task The_webrtc_phones_connection_closing_ends_its_call()
    {
        // No-answer timeout well past WaitForAsync's 5 s: only the closed connection can end the call in time.
        await using var gw = CallHarness.Start([("pstn", 9, "")], noAnswer: TimeSpan.FromSeconds(60), allowUnknownSources: false, registrar: Registrar());
        var bob = new FakeWebSession("wb", "bob");
        gw.Users.Register("bob", bob);
        await using var host = await StartWebSocketAsync(gw);
        using var ws = await ConnectAsync(host);
        var challenge = await SendInviteAsync(ws, "bob", 1, null);
        var header = challenge.Split("\r\n").First(l => l.StartsWith("WWW-Authenticate:", StringComparison.OrdinalIgnoreCase));
        Assert.True(new DigestClient("alice", "pw-alice").TryAnswer(header["WWW-Authenticate:".Length..].Trim(), "INVITE", "sip:bob@gateway.local", out var credentials));
        await SendInviteAsync(ws, "bob", 2, credentials, waitFinal: false); // rings bob; no answer comes
        var incoming = await bob.WaitForAsync("incoming");
        ws.Abort();
        await bob.WaitForAsync("hangup", (string)incoming["id"]!);
        await gw.WaitForNoCallsAsync();
        Assert.Equal(0, gw.Services.Registry.CallerKeys);
    }

    /// <summary>/sip of a test host, its transport in the harness's stack (as SipWebSocketHost adds it).</summary>
    private static async Task<TestGatewayHost> StartWebSocketAsync(CallHarness gw)
    {
        var transport = new WebSocketSipTransport(secure: false, new IPEndPoint(IPAddress.Loopback, 8080));
        gw.Stack.AddTransport(transport);
        return await TestGatewayHost.StartAsync(
            configureServices: b =>
            {
                b.Services.AddSingleton(transport);
                b.Services.TryAddSingleton<DrainState>();
            },
            configureApp: app =>
            {
                app.UseWebSockets();
                app.MapSipWebSocket();
            });
    }

    private static async Task<ClientWebSocket> ConnectAsync(TestGatewayHost host)
    {
        var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("sip");
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Http!.Port}/sip"), CancellationToken.None);
        return ws;
    }

    /// <summary>alice's INVITE with the browser's offer over the WebSocket; returns the first non-1xx response's text.</summary>
    private static async Task<string> SendInviteAsync(ClientWebSocket ws, string to, int cseq, string? credentials, bool waitFinal = true)
    {
        var sdp = CallHarness.BrowserOffer;
        var invite = $"INVITE sip:{to}@gateway.local SIP/2.0\r\nVia: SIP/2.0/WS abc.invalid;branch=z9hG4bKws{cseq}\r\nMax-Forwards: 70\r\n" +
                     $"From: <sip:alice@gateway.local>;tag=1\r\nTo: <sip:{to}@gateway.local>\r\nCall-ID: ws1\r\nCSeq: {cseq} INVITE\r\n" +
                     "Contact: <sip:a@abc.invalid;transport=ws>\r\nContent-Type: application/sdp\r\n" +
                     (credentials is null ? "" : $"Authorization: {credentials}\r\n") +
                     $"Content-Length: {Encoding.ASCII.GetByteCount(sdp)}\r\n\r\n{sdp}";
        await ws.SendAsync(Encoding.ASCII.GetBytes(invite), WebSocketMessageType.Text, true, CancellationToken.None);
        if (!waitFinal) return "";
        var buffer = new byte[65536];
        string text;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        do
        {
            var frame = await ws.ReceiveAsync(buffer, limit.Token);
            text = Encoding.ASCII.GetString(buffer, 0, frame.Count);
        }
        while (text.StartsWith("SIP/2.0 1", StringComparison.Ordinal));
        return text;
    }
}
