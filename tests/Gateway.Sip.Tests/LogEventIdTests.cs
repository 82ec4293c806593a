using Gateway.Tests.Shared;

namespace Gateway.Sip.Tests;

/// <summary>Every log message of Gateway.Sip has its own event id (ranges: docs/logging.md).</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Event_ids_are_unique() => Assert.Empty(LogEventIds.Duplicates(typeof(Gateway.Sip.Stack.SipStack).Assembly));
}
