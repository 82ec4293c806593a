using Gateway.Tests.Shared;

namespace Gateway.Server.Tests;

/// <summary>Every log message of Gateway.Server has its own event id (ranges: docs/logging.md).</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Event_ids_are_unique() => Assert.Empty(LogEventIds.Duplicates(typeof(Program).Assembly));
}
