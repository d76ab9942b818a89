using System.Globalization;
using Microsoft.Extensions.Logging;

namespace EdgeGateway.Demo.Story;

/// <summary>
/// The gateway's log as a file, one line per entry in the console's single-line form, so the story on the terminal
/// stays readable and the log is still there to read (<c>tail -f</c>) during and after the demo.
/// </summary>
public sealed class DemoLogFile : ILoggerProvider
{
    private readonly StreamWriter _writer;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    public DemoLogFile(string path, TimeProvider time)
    {
        Path = path;
        _time = time;
        _writer = new StreamWriter(path, append: false) { AutoFlush = true };
    }

    public string Path { get; }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        lock (_lock)
        {
            _writer.Dispose();
        }
    }

    private void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():HH:mm:ss.fff} {Short(level)}: {category}[{eventId.Id}] {message}");
        lock (_lock)
        {
            _writer.WriteLine(exception is null ? line : $"{line}\n{exception}");
        }
    }

    private static string Short(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class FileLogger(DemoLogFile file, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // The host's filters (Logging section, gateway level) decide; every level that reaches here is written.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                file.Write(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }
}
