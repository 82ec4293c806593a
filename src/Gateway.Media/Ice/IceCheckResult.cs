namespace Gateway.Media.Ice;

/// <summary>Outcome of handling one inbound STUN datagram on an ICE-lite agent (RFC 8445 §7.3).</summary>
public enum IceCheckResult
{
    /// <summary>Valid check answered with a success response (RFC 8445 §7.3.1.4).</summary>
    Success,
    /// <summary>Valid check carrying USE-CANDIDATE: the pair is nominated/selected (RFC 8445 §7.3.1.5).</summary>
    Nominated,
    /// <summary>400 Bad Request: USERNAME or MESSAGE-INTEGRITY missing (RFC 8489 §9.1.3).</summary>
    BadRequest,
    /// <summary>401 Unauthorized: unknown USERNAME or bad MESSAGE-INTEGRITY (RFC 8489 §9.1.3).</summary>
    Unauthorized,
    /// <summary>487 Role Conflict: peer claims to be controlled too (RFC 8445 §7.3.1.1).</summary>
    RoleConflict,
    /// <summary>Silently dropped: not STUN, bad FINGERPRINT, not a Binding request, or buffer too small.</summary>
    Discarded,
}
