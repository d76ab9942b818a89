
namespace EdgeGateway.Outbox.LiteDb;

/// <summary>Where the LiteDB outbox keeps its files.</summary>
public sealed class LiteDbOutboxOptions
{
    /// <summary>
    /// Path of the data file. The log file sits next to it with <c>-log</c> added to the name
    /// (<c>outbox.db</c> → <c>outbox-log.db</c>).
    /// </summary>
    /// <value>Default <c>outbox.db</c> (relative to the working directory); the host sets <c>{Gateway:DataDirectory}/outbox.db</c>.</value>
    public string FilePath { get; set; } = "outbox.db";
}
