using Gateway.Sip.Auth;
using Gateway.Sip.Messages;
using Gateway.Sip.Registrar;

namespace Gateway.Sip.Tests.Registrar;

/// <summary>RFC 3261 §10.3 registrar behaviour, each case naming its step.</summary>
public sealed class SipRegistrarTests
{
    private const string Phone = "<sip:alice@10.0.0.5:5060>";

    [Fact]
    public void A_register_without_credentials_is_challenged_once_per_configured_algorithm_in_order()
    {
        var f = new RegistrarFixture();
        var response = f.Registrar.Process(RegistrarFixture.Register("alice", 1, "c1", [Phone]), RegistrarFixture.Source);
        Assert.Equal(401, response.StatusCode);
        var challenges = response.GetHeaders(SipHeaderNames.WwwAuthenticate).ToList();
        Assert.Equal(2, challenges.Count);
        Assert.Contains("algorithm=SHA-256", challenges[0]); // the fixture offers [SHA-256, MD5]
        Assert.Contains("algorithm=MD5", challenges[1]);
        Assert.Contains("realm=\"gw.example\"", challenges[0]);
        Assert.NotNull(response.To!.Tag);
        Assert.Equal(0, f.Store.Count);
    }

    [Theory]
    [InlineData(DigestAlgorithm.Md5)]
    [InlineData(DigestAlgorithm.Sha256)]
    public void The_right_password_binds_the_contact_and_200_lists_it_with_its_expiry(DigestAlgorithm algorithm)
    {
        var f = new RegistrarFixture();
        var ok = f.RegisterWithAuth("alice", "alice-pw", 1, "c1", [Phone], expires: 600, prefer: algorithm);
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal(["<sip:alice@10.0.0.5:5060>;expires=600"], RegistrarFixture.Contacts(ok));
        Assert.NotNull(ok.GetHeader(SipHeaderNames.Date));
        var binding = Assert.Single(f.Store.Lookup("sip:alice@gw.example"));
        Assert.Equal(RegistrarFixture.Source, binding.Flow.Remote); // §18.2.1 / RFC 5626: the packet's source, not the Contact's private address
    }

    [Fact]
    public void By_default_only_md5_is_offered()
    {
        var f = new RegistrarFixture(new RegistrarOptions { Domain = "gw.example" });
        var response = f.Registrar.Process(RegistrarFixture.Register("alice", 1, "c1", [Phone]), RegistrarFixture.Source);
        Assert.Contains("algorithm=MD5", Assert.Single(response.GetHeaders(SipHeaderNames.WwwAuthenticate)));
    }

    [Fact]
    public void A_wrong_password_is_403_and_binds_nothing()
    {
        var f = new RegistrarFixture();
        Assert.Equal(403, f.RegisterWithAuth("alice", "guess", 1, "c1", [Phone]).StatusCode);
        Assert.Equal(0, f.Store.Count);
    }

    [Fact]
    public void An_unknown_user_is_403_after_the_challenge_so_names_cannot_be_probed()
    {
        var f = new RegistrarFixture();
        Assert.Equal(403, f.RegisterWithAuth("mallory", "x", 1, "c1", ["<sip:mallory@10.0.0.9>"]).StatusCode);
    }

    [Fact]
    public void Step4_a_user_may_not_bind_another_users_aor_nor_register_a_third_party()
    {
        var f = new RegistrarFixture();
        Assert.Equal(403, f.RegisterWithAuth("alice", "alice-pw", 1, "c1", [Phone], toUser: "bob", fromUser: "bob").StatusCode);
        Assert.Equal(403, f.RegisterWithAuth("alice", "alice-pw", 1, "c2", [Phone], fromUser: "bob").StatusCode);
        Assert.Equal(0, f.Store.Count);
    }

    [Fact]
    public void An_old_nonce_gets_a_new_challenge_with_stale_true()
    {
        var f = new RegistrarFixture();
        var challenge = f.Registrar.Process(RegistrarFixture.Register("alice", 1, "c1", [Phone]), RegistrarFixture.Source);
        Assert.True(new DigestClient("alice", "alice-pw").TryAnswer(challenge.GetHeader(SipHeaderNames.WwwAuthenticate)!, "REGISTER", "sip:gw.example", out var credentials));
        f.Time.Advance(TimeSpan.FromMinutes(6));
        var stale = f.Registrar.Process(RegistrarFixture.Register("alice", 2, "c1", [Phone], authorization: credentials), RegistrarFixture.Source);
        Assert.Equal(401, stale.StatusCode);
        Assert.Contains("stale=true", stale.GetHeader(SipHeaderNames.WwwAuthenticate));
    }

    [Fact]
    public void A_foreign_nonce_gets_a_fresh_challenge_not_403()
    {
        var f = new RegistrarFixture();
        var other = new DigestServer("gw.example", new byte[32], f.Time);
        Assert.True(new DigestClient("alice", "alice-pw").TryAnswer(other.CreateChallenge(), "REGISTER", "sip:gw.example", out var credentials));
        Assert.Equal(401, f.Registrar.Process(RegistrarFixture.Register("alice", 1, "c1", [Phone], authorization: credentials), RegistrarFixture.Source).StatusCode);
    }

    [Fact]
    public void Step7_expiry_below_the_minimum_is_423_with_min_expires_and_above_the_maximum_is_shortened()
    {
        var f = new RegistrarFixture();
        var brief = f.RegisterWithAuth("alice", "alice-pw", 1, "c1", [Phone + ";expires=30"]);
        Assert.Equal(423, brief.StatusCode);
        Assert.Equal("60", brief.GetHeader("Min-Expires"));
        var capped = f.RegisterWithAuth("alice", "alice-pw", 3, "c1", [Phone], expires: 86400);
        Assert.Equal(["<sip:alice@10.0.0.5:5060>;expires=3600"], RegistrarFixture.Contacts(capped));
    }

    [Fact]
    public void Bindings_expire_on_the_clock()
    {
        var f = new RegistrarFixture();
        f.RegisterWithAuth("alice", "alice-pw", 1, "c1", [Phone], expires: 120);
        f.Time.Advance(TimeSpan.FromSeconds(119));
        Assert.Single(f.Store.Lookup("sip:alice@gw.example"));
        Assert.Equal(1, f.Store.Count);
        f.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(f.Store.Lookup("sip:alice@gw.example"));
        Assert.Equal(0, f.Store.Count);
    }

    [Fact]
    public void Several_devices_each_keep_a_binding_up_to_max_devices()
    {
        var f = new RegistrarFixture();
        Assert.Equal(200, f.RegisterWithAuth("alice", "alice-pw", 1, "desk", ["<sip:alice@10.0.0.5:5060>"]).StatusCode);
        var second = f.RegisterWithAuth("alice", "alice-pw", 1, "soft", ["<sip:alice@10.0.0.6:5062;transport=tcp>"]);
        Assert.Equal(2, RegistrarFixture.Contacts(second).Count);
        var third = f.RegisterWithAuth("alice", "alice-pw", 1, "mobile", ["<sip:alice@10.0.0.7:5064>"]);
        Assert.Equal(403, third.StatusCode);
        Assert.Contains("at most 2 devices", third.ReasonPhrase);
        Assert.Equal(2, f.Store.Count);
    }

    [Fact]
    public void Step6_a_contact_with_expires_0_removes_only_that_binding()
    {
        var f = new RegistrarFixture();
        f.RegisterWithAuth("alice", "alice-pw", 1, "desk", ["<sip:alice@10.0.0.5:5060>"]);
        f.RegisterWithAuth("alice", "alice-pw", 1, "soft", ["<sip:alice@10.0.0.6:5062>"]);
        var removed = f.RegisterWithAuth("alice", "alice-pw", 3, "desk", ["<sip:alice@10.0.0.5:5060>;expires=0"]);
        Assert.Equal(200, removed.StatusCode);
        Assert.Equal(["<sip:alice@10.0.0.6:5062>;expires=3600"], RegistrarFixture.Contacts(removed));
    }

    [Fact]
    public void Step6_star_with_expires_0_removes_every_binding_and_star_otherwise_is_400()
    {
        var f = new RegistrarFixture();
        f.RegisterWithAuth("alice", "alice-pw", 1, "desk", ["<sip:alice@10.0.0.5:5060>"]);
        f.RegisterWithAuth("alice", "alice-pw", 1, "soft", ["<sip:alice@10.0.0.6:5062>"]);
        Assert.Equal(400, f.RegisterWithAuth("alice", "alice-pw", 3, "desk", ["*"], expires: 60).StatusCode);
        var cleared = f.RegisterWithAuth("alice", "alice-pw", 5, "desk", ["*"], expires: 0);
        Assert.Equal(200, cleared.StatusCode);
        Assert.Empty(RegistrarFixture.Contacts(cleared));
        Assert.Equal(0, f.Store.Count);
    }

    [Fact]
    public void Step7_the_same_call_id_with_a_lower_cseq_is_refused()
    {
        var f = new RegistrarFixture();
        Assert.Equal(200, f.RegisterWithAuth("alice", "alice-pw", 10, "c1", [Phone], expires: 600).StatusCode); // binds with CSeq 11
        var older = f.RegisterWithAuth("alice", "alice-pw", 3, "c1", [Phone], expires: 0); // CSeq 4 < 11
        Assert.Equal(500, older.StatusCode);
        Assert.Single(f.Store.Lookup("sip:alice@gw.example"));
    }

    [Fact]
    public void A_register_without_contacts_queries_the_bindings()
    {
        var f = new RegistrarFixture();
        f.RegisterWithAuth("alice", "alice-pw", 1, "c1", [Phone]);
        var query = f.RegisterWithAuth("alice", "alice-pw", 5, "c2", []);
        Assert.Equal(200, query.StatusCode);
        Assert.Single(RegistrarFixture.Contacts(query));
    }

    [Fact]
    public void Rfc5626_instance_and_reg_id_replace_the_binding_whatever_the_contact_uri()
    {
        var f = new RegistrarFixture();
        const string instance = ";+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1";
        f.RegisterWithAuth("alice", "alice-pw", 1, "c1", ["<sip:alice@10.0.0.5:5060;ob>" + instance]);
        var moved = f.RegisterWithAuth("alice", "alice-pw", 1, "c2", ["<sip:alice@10.0.0.9:6000;ob>" + instance]);
        var binding = Assert.Single(f.Store.Lookup("sip:alice@gw.example"));
        Assert.Equal(("\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"", "1"), (binding.Instance, binding.RegId));
        Assert.StartsWith("<sip:alice@10.0.0.9:6000;ob>", Assert.Single(RegistrarFixture.Contacts(moved)));
        Assert.Contains("reg-id=1", binding.Contact);
    }

    [Fact]
    public void The_total_cap_answers_503_with_retry_after()
    {
        var f = new RegistrarFixture(maxBindings: 1);
        Assert.Equal(200, f.RegisterWithAuth("alice", "alice-pw", 1, "c1", [Phone]).StatusCode);
        var full = f.RegisterWithAuth("bob", "bob-pw", 1, "c2", ["<sip:bob@10.0.0.8>"]);
        Assert.Equal(503, full.StatusCode);
        Assert.NotNull(full.GetHeader("Retry-After"));
    }

    [Fact]
    public void A_source_over_its_register_rate_gets_503()
    {
        var f = new RegistrarFixture(new RegistrarOptions { Domain = "gw.example", RegistersPerSecondPerSource = 1 });
        var codes = Enumerable.Range(1, 4).Select(i => f.Registrar.Process(RegistrarFixture.Register("alice", (uint)i, "c1", [Phone]), RegistrarFixture.Source).StatusCode).ToList();
        Assert.Equal([401, 401, 503, 503], codes); // a bucket holds two seconds of the rate
    }

    [Fact]
    public void A_to_host_of_another_domain_is_404_and_an_ip_address_is_ours()
    {
        var f = new RegistrarFixture();
        var challenge = f.Registrar.Process(RegistrarFixture.Register("alice", 1, "c1", [Phone], host: "elsewhere.example"), RegistrarFixture.Source);
        Assert.True(new DigestClient("alice", "alice-pw").TryAnswer(challenge.GetHeader(SipHeaderNames.WwwAuthenticate)!, "REGISTER", "sip:x", out var credentials));
        Assert.Equal(404, f.Registrar.Process(RegistrarFixture.Register("alice", 2, "c1", [Phone], authorization: credentials, host: "elsewhere.example"), RegistrarFixture.Source).StatusCode);
        Assert.Equal(200, f.Registrar.Process(RegistrarFixture.Register("alice", 3, "c1", [Phone], authorization: credentials, host: "192.0.2.10"), RegistrarFixture.Source).StatusCode);
    }

    [Fact]
    public void An_unsupported_require_is_420()
    {
        var f = new RegistrarFixture();
        var request = RegistrarFixture.Register("alice", 1, "c1", [Phone]);
        request.AddHeader(SipHeaderNames.Require, "gruu");
        var response = f.Registrar.Process(request, RegistrarFixture.Source);
        Assert.Equal((420, "gruu"), (response.StatusCode, response.GetHeader("Unsupported")));
    }
}
