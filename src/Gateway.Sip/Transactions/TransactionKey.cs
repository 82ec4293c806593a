using Gateway.Sip.Messages;

namespace Gateway.Sip.Transactions;

/// <summary>
/// Transaction identity: the top Via branch with its sent-by, and the method, where ACK matches its INVITE
/// (RFC 3261 §17.1.3 for responses, §17.2.3 for requests). CANCEL has its own transaction; <see cref="ForCancelled"/>
/// finds the INVITE a CANCEL targets (§9.2).
/// </summary>
public readonly record struct TransactionKey(string Branch, string SentBy, string Method)
{
    public static bool TryForRequest(SipRequest request, out TransactionKey key)
    {
        key = default;
        if (request.TopVia is not { Branch: { Length: > 0 } branch } via) return false;
        var method = request.Method == SipMethods.Ack ? SipMethods.Invite : request.Method;
        key = new TransactionKey(branch, SentByOf(via), method);
        return true;
    }

    public static bool TryForResponse(SipResponse response, out TransactionKey key)
    {
        key = default;
        if (response.TopVia is not { Branch: { Length: > 0 } branch } via || response.CSeq is not { } cseq) return false;
        key = new TransactionKey(branch, SentByOf(via), cseq.Method);
        return true;
    }

    /// <summary>The key of the INVITE server transaction a CANCEL request refers to.</summary>
    public TransactionKey ForCancelled => this with { Method = SipMethods.Invite };

    private static string SentByOf(SipVia via) => (via.Host + ":" + (via.Port ?? 0)).ToLowerInvariant();
}
