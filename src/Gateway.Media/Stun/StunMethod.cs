namespace Gateway.Media.Stun;

/// <summary>STUN methods (RFC 8489 §18.2).</summary>
public enum StunMethod : ushort
{
    Binding = 0x001,
}
