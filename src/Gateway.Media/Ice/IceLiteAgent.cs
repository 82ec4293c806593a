using System.Net;
using System.Text;
using Gateway.Media.Stun;

namespace Gateway.Media.Ice;

/// <summary>
/// ICE-lite agent (RFC 8445 §2.5): never sends checks, answers the full peer's Binding requests (§7.3),
/// learns peer-reflexive addresses, selects the pair the controlling peer nominates with USE-CANDIDATE
/// (§8.2) and tracks consent freshness (RFC 7675: consent lapses 30 s after the last valid check).
/// One instance per media session; thread-safe for a single receive loop.
/// </summary>
public sealed class IceLiteAgent
{
    /// <summary>RFC 7675 §5.1: consent expires 30 seconds after the last successful check.</summary>
    public static readonly TimeSpan ConsentTimeout = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private byte[] _localUfrag = [];
    private byte[] _localPwd = [];
    private byte[]? _remoteUfrag;
    private long _lastValidCheck;
    private volatile IPEndPoint? _selected;

    public IceLiteAgent(IceCredentials local, TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        SetLocal(local);
    }

    public IceCredentials LocalCredentials { get; private set; } = null!;
    public IceCredentials? RemoteCredentials { get; private set; }

    /// <summary>The nominated remote address media goes to (null until a USE-CANDIDATE check).</summary>
    public IPEndPoint? SelectedRemote => _selected;

    /// <summary>The source of the last valid check (a peer-reflexive candidate before nomination).</summary>
    public IPEndPoint? LastCheckedRemote { get; private set; }

    /// <summary>Raised (on the receive thread) when the selected remote changes, e.g. the browser moved.</summary>
    public event Action<IceLiteAgent, IPEndPoint?, IPEndPoint>? SelectedRemoteChanged;

    /// <summary>True once a valid check was seen and none arrived within the last 30 s (RFC 7675 §5.1).</summary>
    public bool ConsentExpired =>
        LastCheckedRemote is not null && _time.GetElapsedTime(_lastValidCheck) > ConsentTimeout;

    /// <summary>Sets the peer's credentials from its SDP (a=ice-ufrag / a=ice-pwd).</summary>
    public void SetRemoteCredentials(IceCredentials remote)
    {
        RemoteCredentials = remote;
        _remoteUfrag = Encoding.UTF8.GetBytes(remote.Ufrag);
    }

    /// <summary>
    /// ICE restart (RFC 8445 §9): new local (and optionally remote) credentials. The selected pair keeps
    /// carrying media until a check with the new credentials nominates a pair.
    /// </summary>
    public void Restart(IceCredentials newLocal, IceCredentials? newRemote = null)
    {
        SetLocal(newLocal);
        if (newRemote is not null) SetRemoteCredentials(newRemote);
        else { RemoteCredentials = null; _remoteUfrag = null; }
    }

    private void SetLocal(IceCredentials local)
    {
        LocalCredentials = local;
        _localUfrag = Encoding.UTF8.GetBytes(local.Ufrag);
        _localPwd = Encoding.UTF8.GetBytes(local.Password);
    }

    /// <summary>The local ufrag as UTF-8, for <see cref="IceLiteMux"/> routing.</summary>
    internal ReadOnlySpan<byte> LocalUfragBytes => _localUfrag;

    /// <summary>
    /// Handles a STUN datagram from <paramref name="remote"/>. When the result is not <see cref="IceCheckResult.Discarded"/>,
    /// a response of <paramref name="responseLength"/> bytes was written into <paramref name="response"/> and must be sent back.
    /// </summary>
    public IceCheckResult HandleStun(ReadOnlySpan<byte> datagram, IPEndPoint remote, Span<byte> response, out int responseLength)
    {
        responseLength = 0;
        if (StunMessage.TryParse(datagram, out var msg, out _) != StunError.None) return IceCheckResult.Discarded;
        // FINGERPRINT: a MUST for the sender of checks (RFC 8445 §7.2), not a receiver-side requirement (RFC 8445 §7.3,
        // RFC 8489 §6.3.1, §14.7): a wrong one is discarded, a missing one tolerated (MESSAGE-INTEGRITY authenticates).
        if (msg.HasAttribute(StunAttributeType.Fingerprint) && !msg.VerifyFingerprint()) return IceCheckResult.Discarded;
        if (msg.Method != StunMethod.Binding) return IceCheckResult.Discarded;
        // Indications are keepalives (RFC 8445 §11): no answer, no consent.
        if (msg.Class != StunClass.Request) return IceCheckResult.Discarded;

        // RFC 8489 §9.1.3: missing USERNAME or MESSAGE-INTEGRITY -> 400; unknown user / bad MAC -> 401 (no MI).
        if (!msg.TryGetAttribute(StunAttributeType.Username, out var username) || !msg.HasAttribute(StunAttributeType.MessageIntegrity))
            return Error(msg, 400, "Bad Request", IceCheckResult.BadRequest, response, out responseLength, sign: false);
        if (!UsernameMatches(username) || !msg.VerifyMessageIntegrity(_localPwd))
            return Error(msg, 401, "Unauthorized", IceCheckResult.Unauthorized, response, out responseLength, sign: false);
        // RFC 8445 §7.3.1.1: a lite agent is always controlled; a peer that also claims controlled conflicts.
        if (msg.HasAttribute(StunAttributeType.IceControlled) && !msg.HasAttribute(StunAttributeType.IceControlling))
            return Error(msg, 487, "Role Conflict", IceCheckResult.RoleConflict, response, out responseLength, sign: true);

        var w = new StunWriter(response, StunMethod.Binding, StunClass.SuccessResponse, msg.TransactionId);
        w.AddXorMappedAddress(remote);
        w.AddMessageIntegrity(_localPwd);
        w.AddFingerprint();
        if (w.Error != StunError.None) return IceCheckResult.Discarded;
        responseLength = w.Length;

        // Valid check: refresh consent (RFC 7675), learn the peer-reflexive address (RFC 8445 §7.3.1.3).
        _lastValidCheck = _time.GetTimestamp();
        if (!remote.Equals(LastCheckedRemote)) LastCheckedRemote = remote;
        if (!msg.HasAttribute(StunAttributeType.UseCandidate)) return IceCheckResult.Success;

        // RFC 8445 §7.3.1.5 / §8.2: nomination selects this pair; a later nomination from a new address switches.
        var previous = _selected;
        if (!remote.Equals(previous))
        {
            _selected = remote;
            SelectedRemoteChanged?.Invoke(this, previous, remote);
        }
        return IceCheckResult.Nominated;
    }

    /// <summary>USERNAME of a request we receive is "ourUfrag:theirUfrag" (RFC 8445 §7.2.2).</summary>
    private bool UsernameMatches(ReadOnlySpan<byte> username)
    {
        var local = _localUfrag;
        if (username.Length <= local.Length || username[local.Length] != (byte)':' || !username.StartsWith(local)) return false;
        var remotePart = username.Slice(local.Length + 1);
        return _remoteUfrag is null || remotePart.SequenceEqual(_remoteUfrag);
    }

    private IceCheckResult Error(StunMessage request, int code, string reason, IceCheckResult result,
        Span<byte> response, out int responseLength, bool sign)
    {
        var w = new StunWriter(response, StunMethod.Binding, StunClass.ErrorResponse, request.TransactionId);
        w.AddErrorCode(code, reason);
        if (sign) w.AddMessageIntegrity(_localPwd);
        w.AddFingerprint();
        responseLength = w.Length;
        return w.Error == StunError.None ? result : IceCheckResult.Discarded;
    }

    /// <summary>True if media from <paramref name="remote"/> belongs to this session (selected or last checked).</summary>
    public bool IsKnownRemote(IPEndPoint remote) => remote.Equals(_selected) || remote.Equals(LastCheckedRemote);
}
