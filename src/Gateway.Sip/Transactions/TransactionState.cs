namespace Gateway.Sip.Transactions;

/// <summary>The states of the four RFC 3261 §17 transaction machines (figures 5 to 8).</summary>
public enum TransactionState
{
    /// <summary>INVITE client: request sent, no response yet.</summary>
    Calling,
    /// <summary>Non-INVITE client and server: request sent / received, no response yet.</summary>
    Trying,
    Proceeding,
    Completed,
    /// <summary>INVITE server: ACK received for a non-2xx final response.</summary>
    Confirmed,
    /// <summary>INVITE client and server after a 2xx (RFC 6026 §7.1, §7.2): retransmissions are absorbed until Timer M / L.</summary>
    Accepted,
    Terminated,
}
