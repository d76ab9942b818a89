using Microsoft.Extensions.Logging;

namespace EdgeGateway.Core.Tests.Support;

/// <summary>One captured log call.</summary>
internal sealed record LogRecord(LogLevel Level, EventId EventId, string Message);

/// <summary>Captures log calls so tests can assert on them.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly Lock _gate = new();
    private readonly List<LogRecord> _records = [];

    public IReadOnlyList<LogRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _records.Add(new LogRecord(logLevel, eventId, formatter(state, exception)));
        }
    }
}
