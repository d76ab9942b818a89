using Microsoft.Extensions.Logging;

namespace EdgeGateway.Hardware;

/// <summary>Hardware log messages, event ids 3000-3999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Message = "GPIO driver {Driver} on chip {Chip}")]
    public static partial void DriverSelected(ILogger logger, LogLevel level, string driver, int chip);

    [LoggerMessage(3002, LogLevel.Information, "Simulated GPIO listening on {Path}")]
    public static partial void SimSocketListening(ILogger logger, string path);

    [LoggerMessage(3003, LogLevel.Information, "Simulated GPIO socket {Path} closed")]
    public static partial void SimSocketClosed(ILogger logger, string path);

    [LoggerMessage(3004, LogLevel.Information, "Simulated GPIO {Pin} set {Level} by a socket client")]
    public static partial void SimLevelSet(ILogger logger, int pin, string level);

    [LoggerMessage(3005, LogLevel.Warning, "Simulated GPIO client failed")]
    public static partial void SimClientFailed(ILogger logger, Exception exception);

    [LoggerMessage(3006, LogLevel.Warning, "Removed stale simulated GPIO socket {Path}")]
    public static partial void SimStaleSocketRemoved(ILogger logger, string path);

    [LoggerMessage(3007, LogLevel.Warning, "Simulated GPIO socket could not accept a connection; trying again in {RetryIn}")]
    public static partial void SimAcceptFailed(ILogger logger, TimeSpan retryIn, Exception exception);

    [LoggerMessage(3101, LogLevel.Information, "Board: {Model}")]
    public static partial void BoardModel(ILogger logger, string model);

    [LoggerMessage(3102, LogLevel.Warning, "Input {InputId} ({Kind}) uses GPIO {Pin}, which this board reserves for {Function}; it works only while that function is off")]
    public static partial void ReservedPinClaimed(ILogger logger, string inputId, EdgeGateway.Core.Events.EventKind kind, int pin, string function);

    [LoggerMessage(3201, LogLevel.Information, "Output {OutputId} on GPIO {Pin} ({Role}, on = {OnLevel}) open, off")]
    public static partial void OutputOpened(ILogger logger, string outputId, int pin, EdgeGateway.Core.Outputs.OutputRole role, string onLevel);
}
