using Gateway.Sip.Auth;
using Gateway.Sip.Messages;
using Gateway.Sip.Registration;
using Gateway.Sip.Tests.Transactions;

namespace Gateway.Sip.Tests.Registration;

/// <summary>RFC 3261 §10.2 registration client: digest, refresh, 423, back-off, unregister, on a manual clock.</summary>
public sealed class RegistrationClientTests : IDisposable
{
    private const string Password = "s3cret";
    private readonly ManualTimeProvider _time = new();
    private readonly FakeRegistrar _registrar = new();
    private readonly List<RegistrationStateChange> _changes = [];
    private readonly RegistrationClient _client;

    public RegistrationClientTests()
    {
        var binding = new RegistrationBinding(SipUri.Parse("sip:carrier.example"), SipUri.Parse("sip:gw1234@carrier.example"), "gw1234", Password)
        {
            Expires = TimeSpan.FromSeconds(3600),
        };
        _client = new RegistrationClient(binding, _registrar, _time, random: () => 0);
        _client.StateChanged += (_, change) => _changes.Add(change);
    }

    public void Dispose() => _client.Dispose();

    private DigestServer Server() => new("carrier.example", "0123456789abcdef0123456789abcdef"u8.ToArray(), _time);

    private void Register(int expires = 120)
    {
        _client.Start();
        _registrar.Ok(expires);
        Assert.Equal(RegistrationState.Registered, _client.State);
    }

    [Theory]
    [InlineData(DigestAlgorithm.Md5)]
    [InlineData(DigestAlgorithm.Sha256)]
    public void Answers_a_401_challenge_once_and_registers(DigestAlgorithm algorithm)
    {
        var server = Server();
        _client.Start();
        var first = _registrar.Last;
        Assert.Equal(SipMethods.Register, first.Method);
        Assert.Equal("sip:carrier.example", first.RequestUri.ToString());
        Assert.Equal("3600", first.GetHeader(SipHeaderNames.Expires));
        Assert.Null(first.GetHeader(SipHeaderNames.Authorization));
        Assert.Equal(RegistrationState.Registering, _client.State);

        _registrar.Respond(401, (SipHeaderNames.WwwAuthenticate, server.CreateChallenge(algorithm)));
        var second = _registrar.Last;
        Assert.Equal(2, _registrar.Sent.Count);
        Assert.Equal(first.CallId, second.CallId); // §10.2.4: one Call-ID per binding
        Assert.Equal(first.CSeq!.Value.Number + 1, second.CSeq!.Value.Number);
        Assert.Equal(DigestVerdict.Valid, server.Verify(second.GetHeader(SipHeaderNames.Authorization), "REGISTER", u => u == "gw1234" ? Password : null));
        Assert.Contains("algorithm=" + (algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "MD5"), second.GetHeader(SipHeaderNames.Authorization));

        _registrar.Ok(120);
        Assert.Equal(RegistrationState.Registered, _client.State);
        Assert.Equal([RegistrationState.Registering, RegistrationState.Registered], _changes.Select(c => c.State));
        Assert.Equal(TimeSpan.FromSeconds(120), _changes[^1].Expires);
    }

    [Fact]
    public void Answers_407_with_Proxy_Authorization_preferring_SHA256()
    {
        var server = Server();
        _client.Start();
        _registrar.Respond(407, (SipHeaderNames.ProxyAuthenticate, server.CreateChallenge(DigestAlgorithm.Md5)),
            (SipHeaderNames.ProxyAuthenticate, server.CreateChallenge(DigestAlgorithm.Sha256)));
        var answer = _registrar.Last.GetHeader(SipHeaderNames.ProxyAuthorization);
        Assert.Contains("algorithm=SHA-256", answer);
        Assert.Null(_registrar.Last.GetHeader(SipHeaderNames.Authorization));
        Assert.Equal(DigestVerdict.Valid, server.Verify(answer, "REGISTER", _ => Password));
    }

    [Fact]
    public void A_second_challenge_to_our_answer_fails_and_backs_off()
    {
        var server = Server();
        _client.Start();
        _registrar.Respond(401, (SipHeaderNames.WwwAuthenticate, server.CreateChallenge()));
        _registrar.Respond(401, (SipHeaderNames.WwwAuthenticate, server.CreateChallenge()));
        Assert.Equal(2, _registrar.Sent.Count);
        Assert.Equal(RegistrationState.Failed, _client.State);
        Assert.Equal(RegistrationFailure.AuthenticationFailed, _changes[^1].Failure);
        Assert.Equal(401, _changes[^1].StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), _changes[^1].RetryIn);

        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(2, _registrar.Sent.Count);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(3, _registrar.Sent.Count);
        Assert.Null(_registrar.Last.GetHeader(SipHeaderNames.Authorization));
    }

    [Fact]
    public void A_stale_nonce_is_answered_once_more()
    {
        var server = Server();
        _client.Start();
        _registrar.Respond(401, (SipHeaderNames.WwwAuthenticate, server.CreateChallenge()));
        _registrar.Respond(401, (SipHeaderNames.WwwAuthenticate, server.CreateChallenge(stale: true)));
        Assert.Equal(3, _registrar.Sent.Count);
        _registrar.Ok(60);
        Assert.Equal(RegistrationState.Registered, _client.State);
    }

    [Fact]
    public void Refreshes_at_half_the_expiry_the_registrar_granted()
    {
        _client.Start();
        var first = _registrar.Last;
        _registrar.Respond(200, (SipHeaderNames.Contact, FakeRegistrar.Contact + ";expires=60"), (SipHeaderNames.Expires, "900"));
        _time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.Single(_registrar.Sent);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(2, _registrar.Sent.Count);
        var refresh = _registrar.Last;
        Assert.Equal(first.CallId, refresh.CallId);
        Assert.Equal(2u, refresh.CSeq!.Value.Number);
        Assert.Equal(first.GetHeader(SipHeaderNames.Contact), refresh.GetHeader(SipHeaderNames.Contact));
        Assert.Equal(first.From!.Tag, refresh.From!.Tag);

        // Without our Contact in the 200, the Expires header counts.
        _registrar.Respond(200, (SipHeaderNames.Expires, "10"));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(3, _registrar.Sent.Count);
        Assert.Equal(3u, _registrar.Last.CSeq!.Value.Number);
        Assert.Equal([RegistrationState.Registering, RegistrationState.Registered], _changes.Select(c => c.State)); // refreshes change nothing
    }

    [Fact]
    public void Interval_too_brief_retries_with_Min_Expires()
    {
        _client.Start();
        _registrar.Respond(423, ("Min-Expires", "7200"));
        Assert.Equal(2, _registrar.Sent.Count);
        Assert.Equal("7200", _registrar.Last.GetHeader(SipHeaderNames.Expires));
        _registrar.Ok(7200);
        Assert.Equal(RegistrationState.Registered, _client.State);
        _time.Advance(TimeSpan.FromSeconds(3600));
        Assert.Equal("7200", _registrar.Last.GetHeader(SipHeaderNames.Expires)); // the refresh keeps the raised expiry
    }

    [Theory]
    [InlineData("60")]      // not above what we asked
    [InlineData("864000")]  // above a day
    [InlineData(null)]      // missing
    public void Interval_too_brief_without_a_usable_Min_Expires_fails(string? minExpires)
    {
        _client.Start();
        if (minExpires is null) _registrar.Respond(423);
        else _registrar.Respond(423, ("Min-Expires", minExpires));
        Assert.Single(_registrar.Sent);
        Assert.Equal(RegistrationFailure.IntervalTooBrief, _changes[^1].Failure);
    }

    [Fact]
    public void Failures_back_off_doubling_up_to_five_minutes()
    {
        _client.Start();
        var retries = new List<TimeSpan>();
        for (var i = 0; i < 10; i++)
        {
            _registrar.Respond(503);
            retries.Add(_changes[^1].RetryIn!.Value);
            _time.Advance(_changes[^1].RetryIn!.Value);
            Assert.Equal(i + 2, _registrar.Sent.Count);
        }
        // random 0 = half the ceiling (2, 4, 8... s), at least 2 s, at most 5 min.
        Assert.Equal([2, 2, 4, 8, 16, 32, 64, 128, 150, 150], retries.Select(r => r.TotalSeconds));
        _registrar.Ok(60);
        _time.Advance(TimeSpan.FromSeconds(30));
        _registrar.Respond(500);
        Assert.Equal(TimeSpan.FromSeconds(2), _changes[^1].RetryIn); // a success resets the back-off
        Assert.Equal(RegistrationState.Failed, _changes[^1].State);
    }

    [Fact]
    public void Backoff_jitter_stays_between_half_the_ceiling_and_the_ceiling()
    {
        Assert.Equal(TimeSpan.FromSeconds(4), RegistrationTiming.Backoff(2, 0.999999).RoundToSeconds());
        Assert.Equal(TimeSpan.FromMinutes(5), RegistrationTiming.Backoff(30, 0.999999).RoundToSeconds());
        Assert.Equal(TimeSpan.FromMinutes(2.5), RegistrationTiming.Backoff(30, 0));
        Assert.Equal(TimeSpan.FromSeconds(120), RegistrationTiming.Backoff(1, 0, retryAfter: TimeSpan.FromSeconds(120)));
        Assert.Equal(TimeSpan.FromMinutes(5), RegistrationTiming.Backoff(1, 0, retryAfter: TimeSpan.FromHours(2)));
    }

    [Fact]
    public void Timeout_and_send_failure_are_reported()
    {
        _client.Start();
        _registrar.Respond(408);
        Assert.Equal(RegistrationFailure.Timeout, _changes[^1].Failure);
        _time.Advance(TimeSpan.FromSeconds(2));
        _registrar.FailToSend();
        Assert.Equal(RegistrationFailure.TransportError, _changes[^1].Failure);
        Assert.Equal(TimeSpan.FromSeconds(2), _changes[^1].RetryIn); // ceiling 4 s, half of it
    }

    [Fact]
    public void Stop_unregisters_with_Expires_0_answering_a_challenge()
    {
        var server = Server();
        Register();
        var stopped = _client.StopAsync();
        Assert.Equal(RegistrationState.Unregistering, _client.State);
        var remove = _registrar.Last;
        Assert.Equal("0", remove.GetHeader(SipHeaderNames.Expires));
        Assert.Equal(FakeRegistrar.Contact, remove.GetHeader(SipHeaderNames.Contact));
        Assert.Equal(_registrar.Sent[0].CallId, remove.CallId);
        Assert.False(stopped.IsCompleted);

        _registrar.Respond(401, (SipHeaderNames.WwwAuthenticate, server.CreateChallenge()));
        Assert.Equal("0", _registrar.Last.GetHeader(SipHeaderNames.Expires));
        Assert.Equal(DigestVerdict.Valid, server.Verify(_registrar.Last.GetHeader(SipHeaderNames.Authorization), "REGISTER", _ => Password));
        _registrar.Respond(200);
        Assert.True(stopped.IsCompletedSuccessfully);
        Assert.Equal(RegistrationState.Unregistered, _client.State);
        Assert.Equal(RegistrationState.Unregistered, _changes[^1].State);

        var sent = _registrar.Sent.Count;
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(sent, _registrar.Sent.Count); // no refresh after the stop
    }

    [Fact]
    public void Stop_before_any_REGISTER_sends_nothing()
    {
        var stopped = _client.StopAsync();
        Assert.True(stopped.IsCompletedSuccessfully);
        Assert.Empty(_registrar.Sent);
    }

    [Fact]
    public void Stop_while_a_retry_waits_after_a_failure_of_the_first_REGISTER_sends_nothing()
    {
        _client.Start();
        _registrar.Respond(403);
        Assert.True(_client.StopAsync().IsCompletedSuccessfully);
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(_registrar.Sent);
        Assert.Equal(RegistrationState.Unregistered, _client.State);
    }

    [Fact]
    public void Stop_with_a_REGISTER_in_flight_removes_what_it_may_create()
    {
        _client.Start();
        var stopped = _client.StopAsync();
        Assert.Equal(2, _registrar.Sent.Count);
        Assert.Equal("0", _registrar.Last.GetHeader(SipHeaderNames.Expires));
        _registrar.Ok(120); // the late answer to the first REGISTER is ignored
        Assert.False(stopped.IsCompleted);
        _registrar.Respond(500);
        Assert.True(stopped.IsCompletedSuccessfully); // best effort: any answer ends the stop
    }

    [Fact]
    public void A_200_that_grants_no_expiry_for_our_contact_is_no_binding()
    {
        _client.Start();
        _registrar.Ok(0);
        Assert.Equal(RegistrationState.Failed, _client.State);
        Assert.Equal(RegistrationFailure.NoBinding, _changes[^1].Failure);
    }

    [Fact]
    public void Without_credentials_a_challenge_fails()
    {
        using var client = new RegistrationClient(new RegistrationBinding(SipUri.Parse("sip:carrier.example"), SipUri.Parse("sip:gw@carrier.example"), null, null),
            _registrar, _time, () => 0);
        RegistrationStateChange? last = null;
        client.StateChanged += (_, c) => last = c;
        client.Start();
        _registrar.Respond(401, (SipHeaderNames.WwwAuthenticate, Server().CreateChallenge()));
        Assert.Equal(RegistrationFailure.AuthenticationFailed, last!.Failure);
    }

    [Fact]
    public void A_lost_flow_registers_again_at_once_then_at_most_once_per_recovery_interval()
    {
        Register();
        Assert.Single(_registrar.Sent);
        _registrar.CloseFlow();
        Assert.Equal(2, _registrar.Sent.Count); // RFC 5626 §4.4.1: over a new connection, now, not at the refresh
        _registrar.Ok(120);

        _registrar.CloseFlow(); // a registrar that closes every connection
        Assert.Equal(2, _registrar.Sent.Count);
        _time.Advance(RegistrationClient.FlowRecoveryInterval);
        Assert.Equal(3, _registrar.Sent.Count);
        _registrar.Ok(120);
        Assert.Equal(RegistrationState.Registered, _client.State);
    }

    [Fact]
    public void A_lost_flow_before_the_first_binding_or_while_a_register_is_out_sends_nothing_more()
    {
        _client.Start();
        _registrar.CloseFlow();
        Assert.Single(_registrar.Sent);
        _registrar.Ok(120);
        _client.Dispose();
        _registrar.CloseFlow(); // disposed: unsubscribed
        Assert.Single(_registrar.Sent);
    }
}

internal static class TimeSpanRounding
{
    public static TimeSpan RoundToSeconds(this TimeSpan value) => TimeSpan.FromSeconds(Math.Round(value.TotalSeconds));
}
