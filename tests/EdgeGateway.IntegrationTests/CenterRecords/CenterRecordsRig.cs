using System.Text;
using EdgeGateway.Center;
using EdgeGateway.Center.Storage;
using Microsoft.Extensions.Time.Testing;

namespace EdgeGateway.IntegrationTests.CenterRecords;

/// <summary>The center's records in a temporary SQLite file on a fake clock, and messages as the gateway writes them.</summary>
internal sealed class CenterRecordsRig : IDisposable
{
    private long _seq;

    public CenterRecordsRig()
    {
        Records = Open();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    public string DatabaseFile { get; } = Path.Combine(Path.GetTempPath(), $"center-{Guid.NewGuid():N}.db");

    public Center.Storage.CenterRecords Records { get; private set; }

    /// <summary>The center restarted: the records opened again from the same file.</summary>
    public void Restart()
    {
        Records.Dispose();
        Records = Open();
    }

    public CenterMessage Fault(string input, string fault, string state, string location = "") => Message(
        "alarm", input, "fault", state, $$""","location":"{{location}}","detail":{"fault":"{{fault}}"}""");

    public CenterMessage Press(string input, string kind, bool test) => Message(
        kind is "panic" or "smoke" ? "alarm" : "event", input, kind, "active", $$""","location":"","test":{{(test ? "true" : "false")}}""");

    public void Status(params (string Id, string Kind)[] inputs) => Records.Tests.OnStatus("test-school/gw1", Encoding.UTF8.GetBytes(
        $$"""{"state":"online","inputs":[{{string.Join(',', inputs.Select(i => $$"""{"id":"{{i.Id}}","kind":"{{i.Kind}}","location":"{{i.Id}} room"}"""))}}]}"""));

    public void Dispose()
    {
        Records.Dispose();
        foreach (var file in new[] { DatabaseFile, DatabaseFile + "-wal", DatabaseFile + "-shm" })
        {
            File.Delete(file);
        }
    }

    private Center.Storage.CenterRecords Open() => new(new CenterDatabase(DatabaseFile), Time, "duty-officer");

    private CenterMessage Message(string leaf, string input, string kind, string state, string tail) => CenterMessage.TryParse(
        $"campus/v1/test-school/gw1/{leaf}",
        Encoding.UTF8.GetBytes($$"""{"v":1,"id":"{{Guid.CreateVersion7()}}","seq":{{++_seq}},"boot":"b","site":"test-school","gateway":"gw1","input":"{{input}}","kind":"{{kind}}","state":"{{state}}","ts":"{{WireTime(Time.GetUtcNow())}}","synced":true{{tail}}}"""))!;

    private static string WireTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
