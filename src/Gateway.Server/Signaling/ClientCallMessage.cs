namespace Gateway.Server.Signaling;

/// <summary>A call-related message from a web client, already validated (required fields present, sizes bounded).</summary>
public abstract record ClientCallMessage(string Id);

/// <summary>{"type":"call","id","to","sdp"}: the browser places a call.</summary>
public sealed record PlaceCall(string Id, string To, string Sdp) : ClientCallMessage(Id);

/// <summary>{"type":"candidate",...}: trickled ICE candidate; an empty Candidate is end-of-candidates.</summary>
public sealed record TrickleCandidate(string Id, string Candidate, string? SdpMid, int? SdpMLineIndex) : ClientCallMessage(Id);

/// <summary>{"type":"ringing","id"} for a delivered call (sent as SIP 180).</summary>
public sealed record RingingIncoming(string Id) : ClientCallMessage(Id);

/// <summary>{"type":"answer","id","sdp"}: accepts a delivered call.</summary>
public sealed record AnswerIncoming(string Id, string Sdp) : ClientCallMessage(Id);

/// <summary>{"type":"reject","id","code"}: declines a delivered call (default 486).</summary>
public sealed record RejectIncoming(string Id, int Code) : ClientCallMessage(Id);

/// <summary>{"type":"dtmf","id","digits","duration"}.</summary>
public sealed record SendDtmf(string Id, string Digits, int DurationMs) : ClientCallMessage(Id);

/// <summary>{"type":"hold"} (Hold = true) or {"type":"unhold"} (Hold = false).</summary>
public sealed record SetHold(string Id, bool Hold) : ClientCallMessage(Id);

/// <summary>{"type":"mute"} (Mute = true) or {"type":"unmute"} (Mute = false): a conference participant out of, or back in, the mix.</summary>
public sealed record SetMute(string Id, bool Mute) : ClientCallMessage(Id);

/// <summary>{"type":"transfer","id","to"}: blind transfer via REFER.</summary>
public sealed record BlindTransfer(string Id, string To) : ClientCallMessage(Id);

/// <summary>{"type":"hangup","id"}: BYE, or CANCEL before answer.</summary>
public sealed record Hangup(string Id) : ClientCallMessage(Id);
