using System.Globalization;
using System.Net;
using Gateway.Sip.Auth;
using Gateway.Sip.Messages;
using Gateway.Sip.Protection;
using Gateway.Sip.Stack;
using Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Sip.Registrar;

/// <summary>
/// A registrar (RFC 3261 §10.3) for the users of an <see cref="IRegistrarDirectory"/>. Per REGISTER, in the order of §10.3:
/// the source's REGISTER rate (503), extensions (420), Digest authentication (401 challenge, stale=true for an old nonce,
/// 403 for a wrong password or an unknown user), the authenticated user against To and From (403), the To host (404),
/// the Contacts (400 for a bad "*", 423 + Min-Expires), then the bindings through the <see cref="IRegistrationStore"/>
/// (Call-ID/CSeq ordering, max_devices, the total cap); 200 lists every current binding with its expires (§10.3 step 8).
/// Never throws on network input.
/// </summary>
public sealed class SipRegistrar
{
    private readonly RegistrarOptions _options;
    private readonly IRegistrarDirectory _users;
    private readonly IRegistrationStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DigestServer _digest;
    private readonly SourceRateLimiter? _rate;

    public SipRegistrar(RegistrarOptions options, IRegistrarDirectory users, IRegistrationStore store, byte[] nonceSecret,
        TimeProvider? time = null, ILogger<SipRegistrar>? logger = null)
    {
        if (options.Validate() is { } invalid) throw new ArgumentException(invalid, nameof(options));
        _options = options;
        _users = users;
        _store = store;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _digest = new DigestServer(options.Domain, nonceSecret, _time, options.NonceLifetime);
        if (options.RegistersPerSecondPerSource > 0)
            _rate = new SourceRateLimiter(new SipSourceLimits
            {
                PacketsPerSecond = options.RegistersPerSecondPerSource,
                TransactionsPerSecond = options.RegistersPerSecondPerSource,
                BlockPeriod = options.RateBlockPeriod,
            }, _time);
    }

    public IRegistrationStore Store => _store;

    /// <summary>The AoR of a user: sip:&lt;name&gt;@&lt;domain&gt;.</summary>
    public string AorOf(string user) => "sip:" + user + "@" + _options.Domain;

    /// <summary>Answers a REGISTER through its server transaction.</summary>
    public void Handle(IncomingRequest incoming) => incoming.Respond(Process(incoming.Request, incoming.Source));

    /// <summary>The response to a REGISTER received from <paramref name="source"/>.</summary>
    public SipResponse Process(SipRequest request, SipEndPoint source)
    {
        if (_rate is not null && _rate.Admit(source.Address.Address, SourceRateKind.Transaction) != SourceVerdict.Admitted)
        {
            var seconds = (int)_options.RateBlockPeriod.TotalSeconds;
            RegistrarLog.RateLimited(_logger, source.Address.Address.ToString(), _options.RegistersPerSecondPerSource, seconds);
            var busy = Reply(request, 503, "Service Unavailable (REGISTER rate)");
            busy.AddHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
            return busy;
        }
        // §10.3 step 2 (via §8.2.2.3): an extension we do not support.
        var required = request.GetHeaders(SipHeaderNames.Require)
            .SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (required.Count > 0)
        {
            var unsupported = Reply(request, 420);
            unsupported.AddHeader("Unsupported", string.Join(", ", required));
            return Refuse(source, unsupported, "Require: " + string.Join(", ", required));
        }
        if (request.To is not { } to || !to.Uri.IsSip || to.Uri.User is not { Length: > 0 } toUser)
            return Refuse(source, Reply(request, 400, "Bad Request (To is not a sip: address-of-record)"), "bad To");

        // §10.3 step 3: authenticate (RFC 3261 §22.4).
        var credentials = CredentialsFor(request);
        var verdict = _digest.Verify(credentials?.Header, request.Method, name => _users.Find(name)?.Password);
        switch (verdict)
        {
            case DigestVerdict.Missing:
                return Challenge(request, stale: false);
            case DigestVerdict.Stale:
                return Challenge(request, stale: true);
            case DigestVerdict.Invalid when credentials?.Nonce is not { } nonce || !_digest.IsOwnNonce(nonce):
                return Challenge(request, stale: false); // a nonce from before a restart, or none: ask again
            case DigestVerdict.Invalid:
                return Refuse(source, Reply(request, 403, "Forbidden"), $"wrong credentials for '{credentials!.Username}'");
        }
        var user = _users.Find(credentials!.Username!)!;

        // §10.3 steps 4-5: the authenticated user may only bind its own AoR, in our domain (or to our address).
        if (user.Name != Unescape(toUser))
            return Refuse(source, Reply(request, 403, "Forbidden (To is not the authenticated user)"), $"'{user.Name}' for '{toUser}'");
        if (request.From is not { } from || !from.Uri.IsSip || Unescape(from.Uri.User ?? "") != user.Name)
            return Refuse(source, Reply(request, 403, "Forbidden (third-party registration)"), $"'{user.Name}' from '{request.From?.Uri}'");
        if (!IsOurHost(to.Uri.Host))
            return Refuse(source, Reply(request, 404, "Not Found (not this domain)"), "To host " + to.Uri.Host);

        // §10.3 step 6-7: the Contacts and their expiry.
        switch (RegisterContacts.TryRead(request, _options, out var changes))
        {
            case RegisterContacts.Problem.BadWildcard:
                return Refuse(source, Reply(request, 400, "Bad Request (Contact: * needs Expires: 0 and no other Contact)"), "bad *");
            case RegisterContacts.Problem.TooMany:
                return Refuse(source, Reply(request, 400, $"Bad Request (more than {_options.MaxContactsPerRequest} Contacts)"), "too many Contacts");
            case RegisterContacts.Problem.TooBrief:
                var brief = Reply(request, 423);
                brief.AddHeader("Min-Expires", ((int)_options.MinExpires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
                return Refuse(source, brief, "expires below the minimum");
        }
        var aor = AorOf(user.Name);
        var now = _time.GetUtcNow();
        if (request.Contacts.Count == 0 && !request.IsContactWildcard) return Ok(request, aor, _store.Lookup(aor), now); // a query (§10.2.3)

        var flow = new SipFlow(source, source.Protocol == SipTransportProtocol.Udp ? null : source.Address.ToString());
        var update = new BindingUpdate(aor, request.CallId!, request.CSeq!.Value.Number, request.IsContactWildcard, changes, flow, user.MaxDevices, now);
        var result = _store.Apply(update);
        switch (result.Outcome)
        {
            case BindingOutcome.OutOfOrder:
                return Refuse(source, Reply(request, 500, "Server Internal Error (CSeq out of order)"), "CSeq out of order for " + aor);
            case BindingOutcome.TooManyDevices:
                return Refuse(source, Reply(request, 403, $"Forbidden (at most {user.MaxDevices} devices)"), $"'{user.Name}' over max_devices {user.MaxDevices}");
            case BindingOutcome.StoreFull:
                var full = Reply(request, 503, "Service Unavailable (registration table full)");
                full.AddHeader("Retry-After", "60");
                return Refuse(source, full, $"{_options.MaxBindings} bindings");
        }
        RegistrarLog.Registered(_logger, aor, flow.ToString(), result.Bindings.Count);
        return Ok(request, aor, result.Bindings, now);
    }

    /// <summary>Whether <paramref name="name"/> is a user of the directory (a request From it must prove it).</summary>
    public bool IsUser(string name) => _users.Find(name) is not null;

    /// <summary>
    /// RFC 3261 §22.4 for a registered device's own request (an INVITE): the directory user its Digest credentials
    /// prove, or null and the response to send (401 challenge, stale=true for an old nonce; 403 for wrong credentials
    /// or credentials of another user than the From).
    /// </summary>
    public RegistrarUser? Authenticate(SipRequest request, string fromUser, out SipResponse? refusal)
    {
        var credentials = CredentialsFor(request);
        switch (_digest.Verify(credentials?.Header, request.Method, name => _users.Find(name)?.Password))
        {
            case DigestVerdict.Valid when credentials!.Username == fromUser:
                refusal = null;
                return _users.Find(fromUser);
            case DigestVerdict.Missing:
            case DigestVerdict.Invalid when credentials?.Nonce is not { } nonce || !_digest.IsOwnNonce(nonce):
                refusal = Challenge(request, stale: false);
                return null;
            case DigestVerdict.Stale:
                refusal = Challenge(request, stale: true);
                return null;
            default:
                refusal = Reply(request, 403, "Forbidden");
                return null;
        }
    }

    /// <summary>§10.3 step 8: 200 with every current binding and its remaining expiry, and a Date.</summary>
    private static SipResponse Ok(SipRequest request, string aor, IReadOnlyList<SipBinding> bindings, DateTimeOffset now)
    {
        var ok = Reply(request, 200);
        foreach (var b in bindings)
            ok.AddHeader(SipHeaderNames.Contact, b.Contact + ";expires=" + Math.Max(1, (int)Math.Ceiling(b.Remaining(now).TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        ok.AddHeader(SipHeaderNames.Date, now.ToString("r", CultureInfo.InvariantCulture));
        return ok;
    }

    private SipResponse Challenge(SipRequest request, bool stale)
    {
        var challenge = Reply(request, 401);
        foreach (var algorithm in _options.Algorithms)
            challenge.AddHeader(SipHeaderNames.WwwAuthenticate, _digest.CreateChallenge(algorithm, stale));
        return challenge;
    }

    private SipResponse Refuse(SipEndPoint source, SipResponse response, string reason)
    {
        RegistrarLog.Refused(_logger, source.ToString(), response.StatusCode, reason);
        return response;
    }

    private static SipResponse Reply(SipRequest request, int status, string? reason = null) =>
        SipResponse.CreateFor(request, status, reason, SipStack.NewToken(6));

    /// <summary>The Authorization for our realm (a request may carry one per realm, §22.3), with its username and nonce.</summary>
    private Credentials? CredentialsFor(SipRequest request)
    {
        Credentials? first = null;
        foreach (var header in request.GetHeaders(SipHeaderNames.Authorization))
        {
            if (!DigestParameters.TryParse(header, out var p)) continue;
            var entry = new Credentials(header, p!["username"], p["nonce"]);
            if (p["realm"] == _options.Domain) return entry;
            first ??= entry;
        }
        return first;
    }

    private sealed record Credentials(string Header, string? Username, string? Nonce);

    private bool IsOurHost(string host) =>
        host.Equals(_options.Domain, StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host.Trim('[', ']'), out _);

    private static string Unescape(string user) => user.Contains('%') ? Uri.UnescapeDataString(user) : user;
}
