using Microsoft.Extensions.Logging;

namespace Gateway.Sip.Tests.Protection;

/// <summary>Keeps every formatted log line, with its event id.</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(int EventId, string Message)> _lines = [];

    public IReadOnlyList<(int EventId, string Message)> Lines { get { lock (_gate) return [.. _lines]; } }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate) _lines.Add((eventId.Id, formatter(state, exception)));
    }
}
