namespace Gateway.Sip.Protection;

/// <summary>Why the receive path dropped (or refused) input without handing it to the transaction user.</summary>
public enum SipDropReason
{
    /// <summary>Not a SIP message (RFC 3261 §7, §25); §18.1.2/§18.2.1: discarded.</summary>
    Malformed,
    /// <summary>A valid message failing the §8.2 / §18.1.2 checks; requests get 400, responses are discarded.</summary>
    Invalid,
    /// <summary>The source went over its packet rate and is now blocked.</summary>
    PacketRate,
    /// <summary>The source went over its new-transaction rate and is now blocked.</summary>
    TransactionRate,
    /// <summary>Input from a source still in its block period.</summary>
    Blocked,
    /// <summary>The server transaction table is full: 503 (RFC 3261 §21.5.4).</summary>
    TransactionTable,
    /// <summary>The TCP/TLS connection table is full.</summary>
    Connections,
    /// <summary>The source already holds its most TCP/TLS connections.</summary>
    SourceConnections,
    /// <summary>A TCP/TLS connection that sent no complete message within the first-message timeout.</summary>
    SilentConnection,
}
