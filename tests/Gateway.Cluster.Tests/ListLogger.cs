using Microsoft.Extensions.Logging;

namespace Gateway.Cluster.Tests;

/// <summary>Keeps the event ids logged, for tests that count log lines.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public List<int> EventIds { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        EventIds.Add(eventId.Id);
}
