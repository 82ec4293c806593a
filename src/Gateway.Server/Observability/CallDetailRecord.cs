namespace Gateway.Server.Observability;

/// <summary>One line of the CDR file per call (JSON Lines), written when the call ends.</summary>
public sealed record CallDetailRecord(
    string CallId,
    string Direction,          // "outbound" (web -> SIP), "inbound" (SIP -> web), "app", "phone" (a registered phone -> SIP trunk)
    DateTimeOffset Start,
    DateTimeOffset? Answer,
    DateTimeOffset End,
    string From,
    string To,
    string? Route,
    string? Trunk,
    int Cause,                 // SIP status: 200 for a normal end after answer
    string Reason,
    double DurationSeconds,    // answer to end, 0 if never answered
    long PacketsToWeb,
    long PacketsToSip,
    long PacketsLost,
    double JitterMs,
    string? Recording = null,  // the WAV file of a recorded call (dialplan record: true), else null
    string? EndedBy = null);   // who hung the call up when an operator did (DELETE /api/v1/calls/{id}), else null
