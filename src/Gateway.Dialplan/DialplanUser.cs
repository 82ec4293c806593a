namespace Gateway.Dialplan;

/// <summary>
/// A SIP user of the directory (<c>users:</c>, dialplan/README.md "Users"): who may REGISTER as
/// <c>sip:&lt;name&gt;@&lt;domain&gt;</c> with Digest (RFC 3261 §22), from how many devices at once, and what the user's
/// calls may reach: <see cref="Allow"/> lifts guard classes as a route's <c>allow:</c> does, <see cref="CallerId"/>
/// is used when the route names none.
/// </summary>
public sealed record DialplanUser(string Name, string Password, string? CallerId, int MaxDevices, IReadOnlySet<string> Allow, int Line)
{
    public const int DefaultMaxDevices = 5;
    public const int MaxMaxDevices = 100;

    /// <summary>RFC 3261 §25.1 user-unreserved characters a directory name may use (no escapes, no '@', no ':').</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' or '~' or '!' or '*');

    public override string ToString() => $"DialplanUser {{ Name = {Name}, MaxDevices = {MaxDevices} }}"; // never the password
}
