using System.Net;
using System.Text;
using Gateway.Media.Stun;

namespace Gateway.Load;

/// <summary>
/// The tool's side of ICE toward the ICE-lite gateway: it is the controlling full agent (RFC 8445 §6.1.1), so it
/// sends the connectivity checks (§7.2.2) and nominates with USE-CANDIDATE (§8.1.1, regular nomination reduced
/// to the one pair there is). Everything is written into caller buffers.
/// </summary>
public sealed class IceChecks
{
    // RFC 8445 §7.1.1 PRIORITY of a peer-reflexive candidate: type preference 110, local preference 65535, component 1.
    private const uint PeerReflexivePriority = (110u << 24) | (65535u << 8) | 255u;

    private readonly byte[] _username;     // "<remote ufrag>:<local ufrag>" (§7.2.2)
    private readonly byte[] _remoteKey;    // requests are signed with the remote (gateway's) password
    private readonly byte[] _localKey;     // responses to the gateway's own requests with ours
    private readonly ulong _tieBreaker = (ulong)Random.Shared.NextInt64();
    private readonly byte[] _transactionId = new byte[12];

    public IceChecks(RemoteMedia remote, LocalMedia local)
    {
        _username = Encoding.UTF8.GetBytes(remote.IceUfrag + ":" + local.IceUfrag);
        _remoteKey = Encoding.UTF8.GetBytes(remote.IcePwd);
        _localKey = Encoding.UTF8.GetBytes(local.IcePwd);
        StunWriter.NewTransactionId(_transactionId);
    }

    /// <summary>A Binding request; the nominating check (same transaction id on every retransmission) or a consent check (fresh id, RFC 7675 §5.1).</summary>
    public int WriteRequest(Span<byte> buffer, bool nominate)
    {
        Span<byte> consentId = stackalloc byte[12];
        if (!nominate) StunWriter.NewTransactionId(consentId);
        var w = new StunWriter(buffer, StunMethod.Binding, StunClass.Request, nominate ? _transactionId : consentId);
        w.AddAttribute(StunAttributeType.Username, _username);
        w.AddUInt32(StunAttributeType.Priority, PeerReflexivePriority);
        w.AddUInt64(StunAttributeType.IceControlling, _tieBreaker);
        if (nominate) w.AddFlag(StunAttributeType.UseCandidate);
        w.AddMessageIntegrity(_remoteKey);
        w.AddFingerprint();
        return w.Length;
    }

    /// <summary>True when <paramref name="datagram"/> is the authentic success response to the nominating check (RFC 8445 §7.2.5.3).</summary>
    public bool IsNominationSuccess(ReadOnlySpan<byte> datagram)
    {
        if (StunMessage.TryParse(datagram, out var m, out _) != StunError.None) return false;
        return m.Class == StunClass.SuccessResponse && m.Method == StunMethod.Binding &&
               m.TransactionId.SequenceEqual(_transactionId) && m.VerifyMessageIntegrity(_remoteKey);
    }

    /// <summary>The error code when the response to the nominating check is an error response (e.g. 401, 487), else 0.</summary>
    public int NominationErrorCode(ReadOnlySpan<byte> datagram)
    {
        if (StunMessage.TryParse(datagram, out var m, out _) != StunError.None) return 0;
        if (m.Class != StunClass.ErrorResponse || !m.TransactionId.SequenceEqual(_transactionId)) return 0;
        return m.TryGetErrorCode(out var code, out _) ? code : 0;
    }

    /// <summary>Answers a Binding request from the peer (a full gateway might check too); returns 0 when it is not one.</summary>
    public int WriteResponseTo(ReadOnlySpan<byte> datagram, IPEndPoint from, Span<byte> buffer)
    {
        if (StunMessage.TryParse(datagram, out var m, out _) != StunError.None) return 0;
        if (m.Class != StunClass.Request || m.Method != StunMethod.Binding || !m.VerifyMessageIntegrity(_localKey)) return 0;
        var w = new StunWriter(buffer, StunMethod.Binding, StunClass.SuccessResponse, m.TransactionId);
        w.AddXorMappedAddress(from);
        w.AddMessageIntegrity(_localKey);
        w.AddFingerprint();
        return w.Length;
    }
}
