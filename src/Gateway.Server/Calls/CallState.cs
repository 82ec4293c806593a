namespace Gateway.Server.Calls;

/// <summary>Where a call is in its life. Each call moves forward only; <see cref="Ended"/> is final.</summary>
internal enum CallState
{
    /// <summary>Created; the dialplan decision is being acted on (media allocated, first INVITE not yet sent).</summary>
    Routing,
    /// <summary>Outbound: INVITE sent, nothing but 100 heard.</summary>
    Calling,
    /// <summary>Outbound: 180/183 without SDP relayed as "ringing".</summary>
    Ringing,
    /// <summary>Outbound: 183 with SDP relayed as "progress" (early media flows).</summary>
    EarlyMedia,
    /// <summary>Inbound: "incoming" offered to the user's sessions, none has answered yet.</summary>
    Offering,
    /// <summary>Inbound: a browser answered, the 200 is sent, waiting for the ACK.</summary>
    Connecting,
    /// <summary>Answered: media flows both ways (hold is a flag of an active call).</summary>
    Active,
    /// <summary>Outbound: CANCEL sent (or due once a provisional arrives); waiting for the INVITE's final response.</summary>
    Cancelling,
    /// <summary>Over: removed from every table, media freed, CDR written.</summary>
    Ended,
}
