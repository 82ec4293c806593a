namespace Gateway.Server.Hosting;

/// <summary>
/// A start-up failure the operator can fix (a port in use, an unreadable certificate, an invalid dialplan): what went
/// wrong and what to do. <c>Program</c> prints it as one line and exits non-zero, without a stack trace.
/// </summary>
internal sealed class GatewayStartupException(string cause, string remedy, Exception? inner = null)
    : Exception($"{cause}. {remedy}", inner)
{
    public string Cause { get; } = cause;
    public string Remedy { get; } = remedy;
}
