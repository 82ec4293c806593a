using Gateway.Tests.Shared;

namespace Gateway.Media.Tests;

/// <summary>Every log message of Gateway.Media has its own event id (ranges: docs/logging.md).</summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void Event_ids_are_unique() => Assert.Empty(LogEventIds.Duplicates(typeof(Gateway.Media.Bridge.MediaEngine).Assembly));
}
