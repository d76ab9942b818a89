using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Fleet;

/// <summary>
/// The gateways' log, counted instead of printed (500 gateways reconnecting would flood the console): warnings and
/// errors per event name for the report, the first few errors printed as they happen.
/// </summary>
internal sealed class CountingLoggerProvider : ILoggerProvider
{
    private const int PrintedErrors = 20;
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private int _printed;

    /// <summary>Warnings and errors so far, by event name.</summary>
    public IReadOnlyDictionary<string, long> Counts => new Dictionary<string, long>(_counts, StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => new CountingLogger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private void Count<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _counts.AddOrUpdate($"{category}.{eventId.Name ?? eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}", 1, (_, n) => n + 1);
        if (level >= LogLevel.Error && Interlocked.Increment(ref _printed) <= PrintedErrors)
        {
            Console.Error.WriteLine($"[gateway {level}] {category}: {formatter(state, exception)} {exception?.Message}");
        }
    }

    private sealed class CountingLogger(CountingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Count(category, logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
