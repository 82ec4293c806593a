namespace Gateway.Sip.Messages;

/// <summary>Method names of RFC 3261 and its extensions; methods are case-sensitive (§7.1).</summary>
public static class SipMethods
{
    public const string Invite = "INVITE";
    public const string Ack = "ACK";
    public const string Bye = "BYE";
    public const string Cancel = "CANCEL";
    public const string Options = "OPTIONS";
    public const string Register = "REGISTER";
    public const string Info = "INFO";
    public const string Update = "UPDATE";
    public const string Refer = "REFER";
    public const string Notify = "NOTIFY";
    public const string Subscribe = "SUBSCRIBE";
    public const string Message = "MESSAGE";
    public const string Prack = "PRACK";

    private static readonly string[] Known = [Invite, Ack, Bye, Cancel, Options, Register, Info, Update, Refer, Notify, Subscribe, Message, Prack];

    /// <summary>Returns the shared string for a known method, avoiding an allocation per message.</summary>
    public static string Intern(ReadOnlySpan<char> method)
    {
        foreach (var m in Known)
            if (method.SequenceEqual(m)) return m;
        return method.ToString();
    }

    internal static string Intern(ReadOnlySpan<byte> method)
    {
        foreach (var m in Known)
        {
            if (method.Length != m.Length) continue;
            var same = true;
            for (var i = 0; i < m.Length && same; i++) same = method[i] == m[i];
            if (same) return m;
        }
        return System.Text.Encoding.ASCII.GetString(method);
    }
}
