namespace Gateway.Server.Signaling;

/// <summary>The outcome of checking a client token: the subject (the user name, protocol.md "Transport") or why it was refused.</summary>
internal readonly record struct TokenCheck(string? Subject, string Error)
{
    public bool IsValid => Subject is not null;

    public static TokenCheck Accepted(string subject) => new(subject, "");

    public static TokenCheck Refused(string error) => new(null, error);
}
