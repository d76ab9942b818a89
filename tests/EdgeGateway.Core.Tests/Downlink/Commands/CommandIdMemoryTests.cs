using System.Text.Json;
using EdgeGateway.Core.Downlink.Commands;

namespace EdgeGateway.Core.Tests.Downlink.Commands;

/// <summary>The repeat-id memory in the data directory: it survives a restart, is bounded, and a bad file is no crash.</summary>
public sealed class CommandIdMemoryTests : IAsyncDisposable
{
    private const int UnreadableEventId = 1608;

    private readonly CommandRig _rig = new(options: new CommandOptions { RememberedIds = 16, RememberedIdHours = 1 });

    private string FilePath => Path.Combine(_rig.DataDirectory, CommandIdMemory.FileName);

    [Fact]
    public async Task RepeatedId_AfterARestart_GetsTheFirstResult_WithoutRunningAgain()
    {
        _rig.Sounder.Sounding = true;
        var command = _rig.Command("c-1", "silence");
        var first = await _rig.SendAsync(command);

        _rig.Processor = _rig.NewProcessor();
        _rig.Time.Advance(TimeSpan.FromSeconds(30));
        var again = await _rig.SendAsync(command);

        Assert.Equal(1, _rig.Sounder.SilenceCalls);
        Assert.Equal(first.Payload, again.Payload);
        Assert.Equal("c-1", again.Id);
    }

    [Fact]
    public async Task TheFile_IsWrittenWhole_AndBoundedByCount()
    {
        for (var i = 0; i < 40; i++)
        {
            await _rig.SendAsync(_rig.Command($"c-{i}", "status"));
        }

        using var file = JsonDocument.Parse(File.ReadAllBytes(FilePath));
        var ids = file.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Equal([.. Enumerable.Range(24, 16).Select(i => $"c-{i}")], ids);
        Assert.False(File.Exists(FilePath + ".tmp"));
    }

    [Fact]
    public async Task AnIdOlderThanRememberedIdHours_IsForgotten_AndRunsAgain()
    {
        _rig.Sounder.Sounding = true;
        await _rig.SendAsync(_rig.Command("c-1", "silence"));
        _rig.Time.Advance(TimeSpan.FromMinutes(61));

        _rig.Processor = _rig.NewProcessor();
        var again = await _rig.SendAsync(_rig.Command("c-1", "silence"));

        Assert.True(again.Ok);
        Assert.Equal(2, _rig.Sounder.SilenceCalls);
    }

    [Theory]
    [InlineData("{\"v\":1,\"ids\":[{\"id\":\"c-1\",\"at\":")]
    [InlineData("not json at all")]
    [InlineData("{\"v\":2,\"ids\":[]}")]
    [InlineData("{\"v\":1,\"ids\":[{\"id\":null}]}")]
    public async Task ACorruptFile_IsReportedAndIgnored_NotACrash_AndReplacedByTheNextSave(string content)
    {
        await File.WriteAllTextAsync(FilePath, content);
        _rig.Processor = _rig.NewProcessor();

        var result = await _rig.SendAsync(_rig.Command("c-1", "status"));

        Assert.True(result.Ok);
        Assert.Single(_rig.MemoryLog.Records, r => r.EventId.Id == UnreadableEventId);
        using var file = JsonDocument.Parse(File.ReadAllBytes(FilePath));
        Assert.Equal("c-1", file.RootElement.GetProperty("ids")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task AnUnwritableDataDirectory_KeepsTheMemoryInRam()
    {
        Directory.Delete(_rig.DataDirectory, recursive: true);
        _rig.Sounder.Sounding = true;

        var first = await _rig.SendAsync(_rig.Command("c-1", "silence"));
        var again = await _rig.SendAsync(_rig.Command("c-1", "silence"));
        Directory.CreateDirectory(_rig.DataDirectory);

        Assert.True(first.Ok);
        Assert.Equal(first.Payload, again.Payload);
        Assert.Equal(1, _rig.Sounder.SilenceCalls);
        Assert.Contains(_rig.MemoryLog.Records, r => r.EventId.Id == 1609);
    }

    public ValueTask DisposeAsync() => _rig.DisposeAsync();
}
