using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Gateway.Sip.Messages;
using Gateway.Sip.Protection;
using Gateway.Sip.Transactions;
using Gateway.Sip.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Sip.Stack;

/// <summary>
/// The transaction layer over a set of transports (RFC 3261 §17, §18): matches responses to client
/// transactions and requests to server transactions, creates server transactions for new requests, answers
/// CANCEL (§9.2), stamps received/rport on requests (§18.2.1, RFC 3581), and hands new requests to the
/// transaction user. Bounded under a flood: new server transactions pass the per-source transaction limit of the
/// <see cref="SipInboundGuard"/> (silent drop) and a table cap (503); client transactions have a cap too (a local 503).
/// </summary>
public sealed class SipStack : IAsyncDisposable
{
    private readonly SipStackOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SipInboundGuard _guard;
    private readonly bool _ownsGuard;
    private int _serverCount, _clientCount;
    private readonly List<ISipTransport> _transports = [];
    private readonly ConcurrentDictionary<TransactionKey, InviteClientTransaction> _inviteClients = new();
    private readonly ConcurrentDictionary<TransactionKey, NonInviteClientTransaction> _nonInviteClients = new();
    private readonly ConcurrentDictionary<TransactionKey, InviteServerTransaction> _inviteServers = new();
    private readonly ConcurrentDictionary<TransactionKey, NonInviteServerTransaction> _nonInviteServers = new();
    // INVITE server transactions by Call-ID and CSeq number, to match the ACK for a 2xx, which has its own branch.
    private readonly ConcurrentDictionary<(string CallId, uint CSeq), InviteServerTransaction> _invitesByCSeq = new();

    public SipStack(SipStackOptions? options = null, TimeProvider? time = null, ILogger<SipStack>? logger = null, SipInboundGuard? guard = null)
    {
        _options = options ?? new SipStackOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _ownsGuard = guard is null;
        _guard = guard ?? SipInboundGuard.Unlimited(_logger);
    }

    /// <summary>New requests (and ACKs for 2xx) for the transaction user.</summary>
    public event Action<IncomingRequest>? RequestReceived;
    /// <summary>A CANCEL matched an INVITE server transaction; the TU should answer the INVITE with 487 (§9.2).</summary>
    public event Action<IncomingRequest, InviteServerTransaction>? CancelReceived;
    /// <summary>Responses no client transaction matches: 2xx retransmissions for an INVITE, which the UAC core ACKs again (§13.2.2.4).</summary>
    public event Action<SipResponse, SipEndPoint>? StrayResponse;

    public IReadOnlyList<ISipTransport> Transports => _transports;
    /// <summary>T1, T2, T4 of the stack's transactions (the UA core's own retransmissions use them too, e.g. RFC 3262 §3).</summary>
    public SipTimerSettings Timers => _options.Timers;
    public int ActiveTransactions => ServerTransactions + ClientTransactions;
    public int ServerTransactions => Volatile.Read(ref _serverCount);
    public int ClientTransactions => Volatile.Read(ref _clientCount);

    /// <summary>A TCP or TLS connection closed by its peer (<see cref="ISipTransport.ConnectionClosed"/>), from any transport.</summary>
    public event Action<SipEndPoint>? ConnectionClosed;

    public void AddTransport(ISipTransport transport)
    {
        _transports.Add(transport);
        transport.ConnectionClosed += endpoint => ConnectionClosed?.Invoke(endpoint);
        transport.Start(OnInbound);
    }

    public ISipTransport TransportFor(SipTransportProtocol protocol, AddressFamily family) =>
        _transports.FirstOrDefault(t => t.Protocol == protocol && t.LocalEndPoint.AddressFamily == family)
        ?? _transports.FirstOrDefault(t => t.Protocol == protocol)
        ?? throw new InvalidOperationException($"no {protocol} transport");

    /// <summary>A Via header value for a new request sent on the transport, with a fresh branch and rport (RFC 3581).</summary>
    public static string CreateVia(ISipTransport transport, out string branch)
    {
        branch = SipVia.MagicCookie + NewToken(12);
        var host = transport.LocalEndPoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? "[" + transport.LocalEndPoint.Address + "]" : transport.LocalEndPoint.Address.ToString();
        return $"SIP/2.0/{transport.Protocol.ToString().ToUpperInvariant()} {host}:{transport.LocalEndPoint.Port};branch={branch};rport";
    }

    /// <summary>A random token for tags and Call-IDs (§19.3 wants at least 32 bits of randomness).</summary>
    public static string NewToken(int bytes = 8) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>Sends a non-INVITE request through a new client transaction.</summary>
    public Task<SipResponse> SendRequestAsync(SipRequest request, SipEndPoint destination)
    {
        var transport = TransportFor(destination.Protocol, destination.Address.AddressFamily);
        if (!TryReserveClient())
            return Task.FromResult(SipResponse.CreateFor(request, 503, "Service Unavailable (client transaction limit)"));
        var tx = new NonInviteClientTransaction(request, new TransportSender(transport, destination.Address), _time, _options.Timers);
        _nonInviteClients[tx.Key] = tx;
        tx.Terminated += t =>
        {
            if (_nonInviteClients.TryRemove(t.Key, out _)) Interlocked.Decrement(ref _clientCount);
        };
        tx.Start();
        return tx.FinalResponse;
    }

    /// <summary>Sends an INVITE through a new client transaction; provisional responses arrive on its event.</summary>
    public InviteClientTransaction SendInvite(SipRequest invite, SipEndPoint destination, Action<SipResponse>? onProvisional = null)
    {
        var transport = TransportFor(destination.Protocol, destination.Address.AddressFamily);
        if (!TryReserveClient())
        {
            // Never sent: the transaction ends at once with a local 503, as for a transport error (§8.1.3.1).
            var refused = new InviteClientTransaction(invite, UnsentSender.Instance, _time, _options.Timers);
            refused.OnResponse(SipResponse.CreateFor(invite, 503, "Service Unavailable (client transaction limit)"));
            refused.Dispose();
            return refused;
        }
        var tx = new InviteClientTransaction(invite, new TransportSender(transport, destination.Address), _time, _options.Timers);
        if (onProvisional is not null) tx.ProvisionalResponse += onProvisional;
        _inviteClients[tx.Key] = tx;
        tx.Terminated += t =>
        {
            if (_inviteClients.TryRemove(t.Key, out _)) Interlocked.Decrement(ref _clientCount);
        };
        tx.Start();
        return tx;
    }

    private bool TryReserveClient()
    {
        if (Interlocked.Increment(ref _clientCount) <= _options.MaxClientTransactions) return true;
        Interlocked.Decrement(ref _clientCount);
        return false;
    }

    /// <summary>
    /// Admits a request that would create a server transaction: the source's transaction rate (over it: silently dropped)
    /// and the table cap (over it: 503 with Retry-After, sent statelessly). True reserves a slot in the table.
    /// </summary>
    private bool TryReserveServer(SipRequest request, SipInbound inbound)
    {
        if (!_guard.AdmitTransaction(inbound.Source.Address)) return false;
        if (Interlocked.Increment(ref _serverCount) <= _options.MaxServerTransactions) return true;
        Interlocked.Decrement(ref _serverCount);
        _guard.Drops.Dropped(SipDropReason.TransactionTable, inbound.Source, $"{_options.MaxServerTransactions} server transactions");
        var busy = SipResponse.CreateFor(request, 503, "Service Unavailable (transaction limit)");
        busy.AddHeader("Retry-After", ((int)_options.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        _ = inbound.Transport.SendAsync(busy, inbound.Source.Address);
        return false;
    }

    /// <summary>Sends outside any transaction: ACK for a 2xx (§13.2.2.4) or a 2xx retransmission by the UAS core.</summary>
    public ValueTask<bool> SendStatelessAsync(SipMessage message, SipEndPoint destination) =>
        TransportFor(destination.Protocol, destination.Address.AddressFamily).SendAsync(message, destination.Address);

    private void OnInbound(SipInbound inbound)
    {
        try
        {
            if (inbound.Message is SipResponse response) OnResponse(response, inbound.Source);
            else OnRequest((SipRequest)inbound.Message, inbound);
        }
        catch (Exception e)
        {
            SipStackLog.HandlerFailed(_logger, e, inbound.Source.ToString());
        }
    }

    private void OnResponse(SipResponse response, SipEndPoint source)
    {
        if (SipMessageValidator.Validate(response) is { } invalid)
        {
            // §18.1.2: a malformed response is discarded.
            _guard.Drops.Dropped(SipDropReason.Invalid, source, "response: " + invalid.Message);
            return;
        }
        if (TransactionKey.TryForResponse(response, out var key))
        {
            if (_inviteClients.TryGetValue(key, out var invite)) { invite.OnResponse(response); return; }
            if (_nonInviteClients.TryGetValue(key, out var other)) { other.OnResponse(response); return; }
        }
        StrayResponse?.Invoke(response, source);
    }

    private void OnRequest(SipRequest request, SipInbound inbound)
    {
        if (SipMessageValidator.Validate(request) is { } invalid)
        {
            _guard.Drops.Dropped(SipDropReason.Invalid, inbound.Source, "request: " + invalid.Message);
            if (request.Method != SipMethods.Ack && request.TopVia is not null)
                _ = inbound.Transport.SendAsync(SipResponse.CreateFor(request, 400, "Bad Request (" + invalid.Message + ")"), inbound.Source.Address);
            return;
        }
        StampReceived(request, inbound.Source.Address);
        if (!TransactionKey.TryForRequest(request, out var key))
        {
            if (request.Method != SipMethods.Ack)
                _ = inbound.Transport.SendAsync(SipResponse.CreateFor(request, 400, "Bad Request (no Via branch)"), inbound.Source.Address);
            return;
        }
        var sender = new TransportSender(inbound.Transport, inbound.Source.Address);

        if (request.Method == SipMethods.Ack)
        {
            var matched = _inviteServers.TryGetValue(key, out var byBranch) ? byBranch
                : _invitesByCSeq.TryGetValue((request.CallId!, request.CSeq!.Value.Number), out var byCSeq) ? byCSeq : null;
            if (matched is { State: not TransactionState.Accepted })
            {
                matched.OnRequest(request); // ACK for a non-2xx: absorbed by the transaction (§17.2.1)
                return;
            }
            matched?.OnAckFor2xx();
            RequestReceived?.Invoke(new IncomingRequest(request, inbound.Source, null, null)); // ACK for a 2xx goes to the TU
            return;
        }
        if (request.Method == SipMethods.Invite)
        {
            if (_inviteServers.TryGetValue(key, out var existing))
            {
                existing.OnRequest(request);
                return;
            }
            if (!TryReserveServer(request, inbound)) return;
            var tx = new InviteServerTransaction(request, sender, _time, _options.Timers);
            var byCSeqKey = (request.CallId!, request.CSeq!.Value.Number);
            if (!_inviteServers.TryAdd(key, tx))
            {
                // A retransmission raced us to the table: it has its transaction.
                Interlocked.Decrement(ref _serverCount);
                tx.Dispose();
                return;
            }
            _invitesByCSeq[byCSeqKey] = tx;
            tx.Terminated += t =>
            {
                if (_inviteServers.TryRemove(new KeyValuePair<TransactionKey, InviteServerTransaction>(t.Key, t))) Interlocked.Decrement(ref _serverCount);
                _invitesByCSeq.TryRemove(new KeyValuePair<(string, uint), InviteServerTransaction>(byCSeqKey, t));
            };
            RequestReceived?.Invoke(new IncomingRequest(request, inbound.Source, tx, null));
            return;
        }

        if (_nonInviteServers.TryGetValue(key, out var retransmitted))
        {
            retransmitted.OnRequest(request);
            return;
        }
        if (!TryReserveServer(request, inbound)) return;
        var server = new NonInviteServerTransaction(request, sender, _time, _options.Timers);
        if (!_nonInviteServers.TryAdd(key, server))
        {
            Interlocked.Decrement(ref _serverCount);
            server.Dispose();
            return;
        }
        server.Terminated += t =>
        {
            if (_nonInviteServers.TryRemove(new KeyValuePair<TransactionKey, NonInviteServerTransaction>(t.Key, t))) Interlocked.Decrement(ref _serverCount);
        };
        var incoming = new IncomingRequest(request, inbound.Source, null, server);

        if (request.Method == SipMethods.Cancel)
        {
            // §9.2: 200 to the CANCEL when it matches an INVITE still in progress, else 481.
            if (_inviteServers.TryGetValue(key.ForCancelled, out var cancelled) && cancelled.State == TransactionState.Proceeding)
            {
                incoming.Respond(200);
                CancelReceived?.Invoke(incoming, cancelled);
            }
            else incoming.Respond(481);
            return;
        }
        RequestReceived?.Invoke(incoming);
    }

    /// <summary>§18.2.1: add received when sent-by differs from the source; RFC 3581 §4: fill rport when asked.</summary>
    private static void StampReceived(SipRequest request, IPEndPoint source)
    {
        if (request.TopVia is not { } via) return;
        var updated = via;
        var sourceHost = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4().ToString() : source.Address.ToString();
        if (via.HasRport) updated = updated.WithParameter("rport", source.Port.ToString()).WithParameter("received", sourceHost);
        else if (!string.Equals(via.Host.Trim('[', ']'), sourceHost, StringComparison.OrdinalIgnoreCase)) updated = updated.WithParameter("received", sourceHost);
        if (ReferenceEquals(updated, via)) return;
        ReplaceTopVia(request, updated.ToString());
    }

    private static void ReplaceTopVia(SipRequest request, string topVia)
    {
        // The first Via header field may hold several via-parms; only the first is replaced.
        var first = request.GetHeader(SipHeaderNames.Via)!;
        var rest = SplitFirstViaParm(first);
        request.ReplaceFirstHeader(SipHeaderNames.Via, rest is null ? topVia : topVia + ", " + rest);
    }

    private static string? SplitFirstViaParm(string value)
    {
        var inQuotes = false;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"') inQuotes = !inQuotes;
            else if (value[i] == ',' && !inQuotes) return value[(i + 1)..].Trim();
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var t in _transports) await t.DisposeAsync();
        foreach (var tx in _inviteClients.Values) tx.Dispose();
        foreach (var tx in _nonInviteClients.Values) tx.Dispose();
        foreach (var tx in _inviteServers.Values) tx.Dispose();
        foreach (var tx in _nonInviteServers.Values) tx.Dispose();
        if (_ownsGuard) _guard.Dispose();
    }
}
