using System.Globalization;

namespace EdgeGateway.Center;

/// <summary>The contract's timestamp format (UTC, milliseconds, <c>Z</c>) for what the console sends and logs.</summary>
internal static class WireTimestamp
{
    public static string Format(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
